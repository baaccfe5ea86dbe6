import type { QueryClientContract, TransactionClientContract } from '@adonisjs/lucid/types/database'
import type { DatabaseQueryBuilderContract } from '@adonisjs/lucid/types/querybuilder'
import { rawRows } from '#app/shared/kernel/db_values'

/**
 * Many rows into one table at the speed of the database driver, for the
 * set-based paths (order import, benchmark seeder). Inside a transaction it
 * talks to the connection the transaction holds:
 * - SQLite: multi-row `INSERT … VALUES` of ROWS_PER_STATEMENT rows, prepared
 *   once per connection and reused; new ids are consecutive (one writer).
 * - PostgreSQL: one `INSERT … SELECT FROM unnest($1::type[], …)` per chunk,
 *   a column per array, so a chunk is one short statement whatever its size.
 * Outside a transaction (or on another dialect) it falls back to plain
 * multi-row inserts through knex. Returns the new ids in row order when asked.
 * `onConflict` (e.g. `on conflict (order_id, line_no) do update set …`) makes
 * it a multi-row upsert; ids are not returned then (a row may not be new).
 */
export async function bulkInsert(
  client: QueryClientContract,
  table: string,
  rows: Record<string, unknown>[],
  options: { returning?: boolean; onConflict?: string } = {}
): Promise<number[]> {
  if (!rows.length) return []
  const columns = Object.keys(rows[0])
  const conflict = options.onConflict ? ` ${options.onConflict}` : ''
  const returning = !conflict && (options.returning ?? false)
  const dialect = client.dialect.name
  if (client.isTransaction && (dialect === 'better-sqlite3' || dialect === 'postgres')) {
    const connection = await (
      client as TransactionClientContract
    ).knexClient.client.acquireConnection()
    return dialect === 'postgres'
      ? insertPg(connection, table, columns, rows, returning, conflict)
      : insertSqlite(connection, table, columns, rows, returning, conflict)
  }
  return insertKnex(client, table, columns, rows, returning, conflict)
}

const ROWS_PER_STATEMENT = 100
const PG_ROWS_PER_STATEMENT = 20_000
const statements = new WeakMap<object, Map<string, any>>()

function insertSqlite(
  connection: any,
  table: string,
  columns: string[],
  rows: Record<string, unknown>[],
  returning: boolean,
  conflict: string
): number[] {
  let cache = statements.get(connection)
  if (!cache) statements.set(connection, (cache = new Map()))
  const head = `insert into "${table}" (${columns.map((c) => `"${c}"`).join(',')}) values `
  const tuple = `(${columns.map(() => '?').join(',')})`
  const per = Math.max(1, Math.min(ROWS_PER_STATEMENT, Math.floor(30_000 / columns.length)))
  const ids: number[] = []
  for (let i = 0; i < rows.length; i += per) {
    const count = Math.min(per, rows.length - i)
    const sql = head + new Array(count).fill(tuple).join(',') + conflict
    let statement = cache.get(sql)
    if (!statement) {
      statement = connection.prepare(sql)
      if (cache.size > 500) cache.clear()
      cache.set(sql, statement)
    }
    const bindings = new Array(count * columns.length)
    let b = 0
    for (let r = i; r < i + count; r++) {
      const row = rows[r]
      for (const column of columns) bindings[b++] = sqliteValue(row[column])
    }
    const result = statement.run(bindings)
    if (returning) {
      if (result.changes !== count) throw new Error(`${table}: ${result.changes} of ${count} rows`)
      const last = Number(result.lastInsertRowid)
      for (let k = count - 1; k >= 0; k--) ids.push(last - k)
    }
  }
  return ids
}

function sqliteValue(value: unknown) {
  if (value === undefined) return null
  if (typeof value === 'boolean') return value ? 1 : 0
  if (value instanceof Date) return value.valueOf()
  return value
}

/** Column types per table, read once per process (for the unnest casts). */
const pgTypes = new Map<string, Map<string, string>>()

async function insertPg(
  connection: any,
  table: string,
  columns: string[],
  rows: Record<string, unknown>[],
  returning: boolean,
  conflict: string
): Promise<number[]> {
  let types = pgTypes.get(table)
  if (!types || columns.some((c) => !types!.has(c))) {
    const result = await connection.query(
      `select column_name, udt_name from information_schema.columns
        where table_schema = current_schema() and table_name = $1`,
      [table]
    )
    types = new Map(result.rows.map((r: any) => [r.column_name, r.udt_name]))
    pgTypes.set(table, types)
  }
  const missing = columns.find((c) => !types!.has(c))
  if (missing) throw new Error(`${table}.${missing}: no such column`)
  const casts = columns.map((c, index) => `$${index + 1}::"${types!.get(c)}"[]`).join(',')
  const sql =
    `insert into "${table}" (${columns.map((c) => `"${c}"`).join(',')}) ` +
    `select * from unnest(${casts})` +
    conflict +
    (returning ? ' returning id' : '')
  const ids: number[] = []
  for (let i = 0; i < rows.length; i += PG_ROWS_PER_STATEMENT) {
    const chunk = rows.slice(i, i + PG_ROWS_PER_STATEMENT)
    const arrays = columns.map((column) => chunk.map((row) => pgValue(row[column])))
    const result = await connection.query(sql, arrays)
    if (returning) {
      const list = result.rows.map((r: any) => Number(r.id)).sort((a: number, b: number) => a - b)
      if (list.length !== chunk.length) throw new Error(`${table}: ids not returned`)
      ids.push(...list)
    }
  }
  return ids
}

function pgValue(value: unknown) {
  return value === undefined ? null : value
}

async function insertKnex(
  client: QueryClientContract,
  table: string,
  columns: string[],
  rows: Record<string, unknown>[],
  returning: boolean,
  conflict: string
): Promise<number[]> {
  const ids: number[] = []
  const size = Math.max(1, Math.floor(30_000 / columns.length))
  const tuple = `(${columns.map(() => '?').join(',')})`
  for (let i = 0; i < rows.length; i += size) {
    const chunk = rows.slice(i, i + size)
    const bindings: unknown[] = []
    for (const row of chunk) for (const column of columns) bindings.push(row[column] ?? null)
    const sql =
      `insert into "${table}" (${columns.map((c) => `"${c}"`).join(',')}) values ` +
      chunk.map(() => tuple).join(',') +
      conflict +
      (returning ? ' returning id' : '')
    const result: any = await client.rawQuery(sql, bindings as any[])
    if (!returning) continue
    const returned = rawRows(result)
    const list = returned.map((r) => Number(r.id)).sort((a, b) => a - b)
    if (list.length !== chunk.length) throw new Error(`${table}: ids not returned`)
    ids.push(...list)
  }
  return ids
}

/**
 * Sets columns of many rows by id, for the set-based paths; rows that set
 * the same columns share a statement. `types` gives a column's PostgreSQL
 * type when it is not text (bound values arrive untyped there); SQLite
 * takes the values as bound. `also` is set on every row (e.g. updated_at).
 * With `add`, the values are added to the columns instead (balances).
 * - PostgreSQL: `UPDATE … FROM unnest(ids, column arrays)` per
 *   PG_ROWS_PER_STATEMENT rows, narrowed by `id = ANY(ids)` so the rows are
 *   reached through the primary key: joined to a VALUES list alone, the
 *   planner read the whole table for every statement (a hash join over a
 *   sequential scan — 15 ms per 500 rows at 20k members, growing with the table).
 * - SQLite: `WITH v AS (VALUES …) UPDATE … FROM v`, 500 rows a statement.
 */
export async function bulkUpdate(
  client: QueryClientContract,
  table: string,
  updates: Map<number, Record<string, unknown>>,
  options: { types?: Record<string, string>; also?: Record<string, unknown>; add?: boolean } = {}
) {
  const byColumns = new Map<string, [number, Record<string, unknown>][]>()
  for (const [id, values] of updates) {
    const key = Object.keys(values).sort().join(',')
    if (!key) continue
    if (!byColumns.has(key)) byColumns.set(key, [])
    byColumns.get(key)!.push([id, values])
  }
  const pg = client.dialect.name === 'postgres'
  const also = Object.entries(options.also ?? {})
  for (const [key, list] of byColumns) {
    const columns = key.split(',')
    const set = [
      ...columns.map((c) =>
        options.add ? `"${c}" = "${table}"."${c}" + v."${c}"` : `"${c}" = v."${c}"`
      ),
      ...also.map(([column]) => `"${column}" = ?`),
    ].join(', ')
    const names = columns.map((c) => `"${c}"`).join(', ')
    if (pg) {
      const arrays = columns.map((c) => `?::${options.types?.[c] ?? 'text'}[]`).join(', ')
      for (let i = 0; i < list.length; i += PG_ROWS_PER_STATEMENT) {
        const chunk = list.slice(i, i + PG_ROWS_PER_STATEMENT)
        const ids = chunk.map(([id]) => id)
        await client.rawQuery(
          `update "${table}" set ${set}
             from unnest(?::bigint[], ${arrays}) as v (id, ${names})
            where "${table}".id = v.id and "${table}".id = any(?::bigint[])`,
          [
            ...also.map(([, value]) => value),
            ids,
            ...columns.map((c) => chunk.map(([, values]) => values[c] ?? null)),
            ids,
          ] as any[]
        )
      }
      continue
    }
    const tuple = `(${['?', ...columns.map(() => '?')].join(', ')})`
    for (let i = 0; i < list.length; i += 500) {
      const chunk = list.slice(i, i + 500)
      await client.rawQuery(
        `with v (id, ${names}) as (values ${chunk.map(() => tuple).join(', ')})
         update "${table}" set ${set} from v where "${table}".id = v.id`,
        [
          ...chunk.flatMap(([id, values]) => [id, ...columns.map((c) => values[c] ?? null)]),
          ...also.map(([, value]) => value),
        ] as any[]
      )
    }
  }
}

/**
 * Narrows a look-up of the set-based paths to rows whose text `column` is one
 * of `values` (order numbers, identity values). On PostgreSQL the values go
 * as one array parameter, `in (select unnest(?::text[]))`: for a long IN list
 * on a table of some 100k rows the planner expects hundreds of matches and
 * scans the whole table (150 ms per 2,000 order numbers on 100k orders),
 * where probing the unique index per value takes 3 ms. Elsewhere `whereIn`.
 */
export function whereInText<Query extends DatabaseQueryBuilderContract<any>>(
  query: Query,
  column: string,
  values: string[],
  client: QueryClientContract
): Query {
  if (client.dialect.name !== 'postgres') return query.whereIn(column, values) as Query
  return query.whereRaw(`?? in (select unnest(?::text[]))`, [column, values as any]) as Query
}
