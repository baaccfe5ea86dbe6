import { DateTime } from 'luxon'

/**
 * What the two databases hand back, read one way: knex answers an UPDATE or
 * DELETE with a count (or `[count]` on some drivers), and a timestamp comes
 * back as a Date on PostgreSQL and as UTC text on SQLite.
 */
export function affectedRows(result: unknown): number {
  return Number(Array.isArray(result) ? result[0] : result)
}

/** A timestamp as the driver returns it, in UTC. */
export function fromDbTime(value: Date | string | null | undefined): DateTime | null {
  if (value === null || value === undefined) return null
  if (value instanceof Date) return DateTime.fromJSDate(value, { zone: 'utc' })
  const text = String(value)
  const parsed = DateTime.fromSQL(text, { zone: 'utc' })
  return parsed.isValid ? parsed : DateTime.fromISO(text, { zone: 'utc' })
}
