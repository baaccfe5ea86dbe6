import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { ModelQueryBuilderContract, LucidModel, LucidRow } from '@adonisjs/lucid/types/model'

export interface KeysetOptions<Row> {
  /** The sort column (snake_case as in SQL); ties are broken by the primary key `id`. */
  column?: string
  direction?: 'asc' | 'desc'
  /** The opaque cursor from the previous page's `next`. */
  cursor?: string | null
  limit?: number
  /** The sort column's value on a row, when it is not `id`. */
  sortValue?: (row: Row) => string | number | DateTime | null
}

export interface KeysetPage<Row> {
  rows: Row[]
  /** Cursor of the following page, or null on the last page. */
  next: string | null
}

export const MAX_PAGE_SIZE = 200

/**
 * Keyset pagination ("rows after the last one seen"), for big tables: page
 * 500 costs what page 1 costs, and rows inserted meanwhile never shift a
 * page. Orders by (column, id) and fetches one extra row to know whether
 * there is a next page. Works the same on SQLite and PostgreSQL.
 */
export async function paginate<
  Model extends LucidModel,
  Row extends LucidRow = InstanceType<Model>,
>(
  query: ModelQueryBuilderContract<Model, Row>,
  options: KeysetOptions<Row> = {}
): Promise<KeysetPage<Row>> {
  const column = options.column ?? 'id'
  const direction = options.direction ?? 'desc'
  const limit = Math.min(Math.max(1, Math.floor(options.limit ?? 50)), MAX_PAGE_SIZE)
  const after = decodeCursor(options.cursor)
  const compare = direction === 'desc' ? '<' : '>'

  if (after) {
    if (column === 'id') {
      query.where('id', compare, after.id)
    } else {
      query.where((outer) =>
        outer
          .where(column, compare, after.value as any)
          .orWhere((tie) => tie.where(column, after.value as any).where('id', compare, after.id))
      )
    }
  }
  if (column !== 'id') query.orderBy(column, direction)
  query.orderBy('id', direction).limit(limit + 1)

  const found = (await query) as Row[]
  const rows = found.slice(0, limit)
  const last = rows[rows.length - 1] as (Row & { id: number }) | undefined
  const next =
    found.length > limit && last
      ? encodeCursor(column === 'id' ? last.id : toSqlValue(options.sortValue!(last)), last.id)
      : null
  return { rows, next }
}

function toSqlValue(value: string | number | DateTime | null): string | number | null {
  if (value instanceof DateTime)
    return value.toUTC().toFormat(db.connection().dialect.dateTimeFormat)
  return value
}

export function encodeCursor(value: string | number | null, id: number): string {
  return Buffer.from(JSON.stringify([value, id])).toString('base64url')
}

/** A cursor that was tampered with or truncated reads as "first page", never as an error. */
export function decodeCursor(
  cursor: string | null | undefined
): { value: string | number | null; id: number } | null {
  if (!cursor) return null
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString())
    if (!Array.isArray(parsed) || parsed.length !== 2 || !Number.isSafeInteger(parsed[1]))
      return null
    const [value, id] = parsed
    if (value !== null && typeof value !== 'string' && typeof value !== 'number') return null
    return { value, id }
  } catch {
    return null
  }
}
