import { DateTime } from 'luxon'

/** A timestamp as the driver returns it (Date on PostgreSQL, text on SQLite), in UTC. */
export function fromDb(value: Date | string | null | undefined): DateTime | null {
  if (value === null || value === undefined) return null
  if (value instanceof Date) return DateTime.fromJSDate(value, { zone: 'utc' })
  const text = String(value)
  const parsed = DateTime.fromSQL(text, { zone: 'utc' })
  return parsed.isValid ? parsed : DateTime.fromISO(text, { zone: 'utc' })
}

/** A UTC timestamp as both databases accept it in a comparison or insert. */
export function toDb(value: DateTime): string {
  return value.toUTC().toFormat('yyyy-MM-dd HH:mm:ss')
}
