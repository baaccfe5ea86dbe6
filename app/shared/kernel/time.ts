import { DateTime, Settings } from 'luxon'
import env from '#start/env'

/**
 * Time, one way: stored in UTC, computed with Luxon, shown in the user's
 * zone (default: the company's, Asia/Shanghai).
 */
export const DEFAULT_ZONE = env.get('APP_TIMEZONE', 'Asia/Shanghai')

Settings.defaultZone = 'utc'

export function userZone(user?: { timezone?: string | null } | null): string {
  const zone = user?.timezone
  return zone && DateTime.local().setZone(zone).isValid ? zone : DEFAULT_ZONE
}

export function isValidZone(zone: string) {
  return DateTime.local().setZone(zone).isValid
}

/** Today's calendar date in a zone, e.g. for "my day". */
export function todayIn(zone: string = DEFAULT_ZONE): DateTime {
  return DateTime.now().setZone(zone).startOf('day')
}
