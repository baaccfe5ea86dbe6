import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import { utcSqlString } from '#app/shared/kernel/local_time'

/**
 * What the two databases hand back, read one way: knex answers an UPDATE or
 * DELETE with a count (or `[count]` on some drivers), and a timestamp comes
 * back as a Date on PostgreSQL and as UTC text on SQLite.
 */
export function affectedRows(result: unknown): number {
  return Number(Array.isArray(result) ? result[0] : result)
}

/** The rows of a raw SELECT or `… RETURNING`: an array on SQLite, `result.rows` on PostgreSQL. */
export function rawRows<Row = any>(result: any): Row[] {
  return Array.isArray(result) ? result : result.rows
}

/**
 * A time as the connection stores timestamps: UTC in the dialect's own
 * format, the very text Lucid writes for a model, so rows written by raw
 * queries and by models compare equal (SQLite compares them as text). The
 * one way to put a time into a raw query or insert; `fromDbTime` reads it back.
 */
export function toDbTime(value: DateTime, client?: Pick<QueryClientContract, 'dialect'>): string
export function toDbTime(
  value: DateTime | null | undefined,
  client?: Pick<QueryClientContract, 'dialect'>
): string | null
export function toDbTime(
  value: DateTime | null | undefined,
  client: Pick<QueryClientContract, 'dialect'> = db.connection()
): string | null {
  if (!value) return null
  return utcSqlString(value, client.dialect.dateTimeFormat)
}

/** UTC text as SQLite stores it (`toDbTime`), or ISO with an offset. */
const DB_TEXT_TIME = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(Z|[+-]\d{2}:\d{2})?$/

/**
 * `fromDbTime(value).toMillis()` for the set-based paths, which read many
 * stored times and only compare them: the formats toDbTime writes go
 * through Date.parse, anything else through fromDbTime.
 */
export function dbTimeMillis(value: Date | string): number {
  if (value instanceof Date) return value.getTime()
  const match = DB_TEXT_TIME.exec(value)
  if (match) return Date.parse(`${value.slice(0, 10)}T${value.slice(11)}${match[1] ? '' : 'Z'}`)
  return fromDbTime(value)!.toMillis()
}

/** A timestamp as the driver returns it, in UTC. */
export function fromDbTime(value: Date | string | null | undefined): DateTime | null {
  if (value === null || value === undefined) return null
  if (value instanceof Date) return DateTime.fromJSDate(value, { zone: 'utc' })
  const text = String(value)
  const parsed = DateTime.fromSQL(text, { zone: 'utc' })
  return parsed.isValid ? parsed : DateTime.fromISO(text, { zone: 'utc' })
}

/**
 * `YYYY-MM` of a timestamp column in a time zone, selected as `month` for
 * grouping by month in SQL. SQLite has no zone database: it shifts by the zone's offset at
 * `at` (exact for zones without daylight saving, such as Asia/Shanghai).
 */
export function monthInZone(column: string, zone: string, at: DateTime = DateTime.now()) {
  // PostgreSQL columns are timestamptz (knex's default): AT TIME ZONE gives the local time there.
  if (db.connection().dialect.name === 'postgres') {
    return db.raw(`to_char(?? AT TIME ZONE ?, 'YYYY-MM') as month`, [column, zone])
  }
  return db.raw(`strftime('%Y-%m', ??, ?) as month`, [column, `${at.setZone(zone).offset} minutes`])
}
