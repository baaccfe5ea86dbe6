import { DateTime } from 'luxon'
import { DomainError } from '#app/shared/errors/domain_error'

/**
 * An API time: ISO 8601; with an offset (`Z`, `+08:00`) it is taken as
 * given, without one it is read in `zone` (the shop's, for orders).
 */
export function parseApiTime(value: string, zone: string, field: string): DateTime {
  const parsed = DateTime.fromISO(value.replace(' ', 'T'), { zone, setZone: false })
  if (!parsed.isValid) {
    throw new DomainError('E_INVALID_TIME', 'members.errors.invalid_time', 422, { field })
  }
  return parsed.toUTC()
}
