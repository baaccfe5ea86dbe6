import db from '@adonisjs/lucid/services/db'

/**
 * Query plans, for tests that check a query reaches its rows through an
 * index (at 1M members a wrong plan costs seconds; on test-sized tables it
 * costs nothing, so only the plan can tell).
 */

const postgres = () => db.connection().dialect.name === 'postgres'

/**
 * The plan of `query` as text: SQLite's `EXPLAIN QUERY PLAN` details or
 * PostgreSQL's `EXPLAIN` lines, one per line. On PostgreSQL sequential scans
 * and sorts are switched off for the rest of the test's transaction: empty
 * tables are cheapest to scan, so the plan shows what the indexes allow.
 */
export async function queryPlan(query: { sql: string; bindings: readonly unknown[] }) {
  if (postgres()) {
    await db.rawQuery('set local enable_seqscan = off')
    await db.rawQuery('set local enable_sort = off')
    const plan = await db.rawQuery(`explain ${query.sql}`, [...query.bindings] as any[])
    return plan.rows.map((row: any) => row['QUERY PLAN']).join('\n') as string
  }
  const plan = await db.rawQuery(`explain query plan ${query.sql}`, [...query.bindings] as any[])
  return plan.map((row: any) => row.detail).join('\n') as string
}

/** What a plan that sorts its rows says: they were not read in the order wanted. */
export function sortsIn(plan: string) {
  return postgres() ? /\bSort\b/.test(plan) : plan.includes('TEMP B-TREE')
}

/**
 * Makes SQLite's planner believe `stats` (rows of sqlite_stat1: table, index,
 * figures) as a large database had them; `useTrueSqliteStatistics` afterwards
 * gives the connection, which keeps statistics it has loaded, true ones again.
 */
export async function pretendSqliteStatistics(stats: Array<[string, string, string]>) {
  await db.rawQuery('analyze')
  for (const [tbl, idx, stat] of stats) {
    await db.from('sqlite_stat1').where('idx', idx).delete()
    await db.table('sqlite_stat1').insert({ tbl, idx, stat })
  }
  await db.rawQuery('analyze sqlite_schema') // the planner reads them again
}

export async function useTrueSqliteStatistics() {
  await db.rawQuery('analyze')
}
