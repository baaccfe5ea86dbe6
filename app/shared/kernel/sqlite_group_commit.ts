import db from '@adonisjs/lucid/services/db'
import { GroupCommit, type GroupOutcome } from '#app/shared/kernel/group_commit'

/** What a hot path needs of a better-sqlite3 statement (the package ships no types). */
export interface SqliteStatement {
  run(...params: unknown[]): { changes: number; lastInsertRowid: number | bigint }
  get(...params: unknown[]): any
}

/** What a hot path needs of a better-sqlite3 connection. */
export interface SqliteConnection {
  prepare(sql: string): SqliteStatement
  /** Called: BEGIN (or a savepoint inside a transaction); `.immediate()`: BEGIN IMMEDIATE. */
  transaction<T>(fn: () => T): { (): T; immediate(): T }
  readonly inTransaction: boolean
}

/**
 * Prepared statements per connection: preparing is most of the cost of a
 * short statement, and a statement belongs to the connection that prepared
 * it (the pool may replace a connection; the old one's cache goes with it).
 */
const preparedByConnection = new WeakMap<SqliteConnection, Map<string, SqliteStatement>>()

/** The connection's prepared statement for `sql`, prepared on first use. */
export function prepared(connection: SqliteConnection, sql: string): SqliteStatement {
  let cache = preparedByConnection.get(connection)
  if (!cache) {
    cache = new Map()
    preparedByConnection.set(connection, cache)
  }
  let statement = cache.get(sql)
  if (!statement) {
    statement = connection.prepare(sql)
    cache.set(sql, statement)
  }
  return statement
}

type Work = (connection: SqliteConnection) => unknown

/** One group commit per knex client (its pool holds the one connection). */
const groupCommits = new WeakMap<object, GroupCommit<Work, unknown>>()

/**
 * Runs `work` synchronously on SQLite inside a `BEGIN IMMEDIATE … COMMIT`
 * shared with the other work submitted meanwhile (`GroupCommit`): the
 * commit is most of a short write transaction's cost, so many callers share
 * one. The batch runs first without savepoints (a savepoint per item cost
 * as much as the earns themselves in the bench); if any `work` throws, all
 * of it is rolled back and the batch runs again with a savepoint per item:
 * one that throws is rolled back and rejected alone, the others commit.
 * `work` must be synchronous and may run twice.
 *
 * The connection is taken from Lucid's pool (knex's `acquireConnection`,
 * released afterwards), so no other query of this process runs on it
 * meanwhile; better-sqlite3 is synchronous, so nothing else of the process
 * runs between BEGIN and COMMIT and the batch costs no await.
 *
 * Resolves `undefined` (the caller takes its general knex path) when the
 * fast path does not apply: not SQLite, a Lucid global transaction is open
 * (tests: the pool's one connection is inside it), or the pool holds more
 * than one connection — a second in-process connection could hold the write
 * lock while awaiting, and this synchronous BEGIN would wait for it with the
 * event loop blocked. If BEGIN or COMMIT fails (SQLITE_BUSY from another
 * process after `busy_timeout`), every caller of the batch gets that error:
 * nothing of the batch was written.
 */
export function sqliteGroupCommit<T>(
  work: (connection: SqliteConnection) => T
): Promise<T | undefined> {
  const client = db.connection()
  if (client.dialect.name !== 'better-sqlite3' || client.isTransaction) {
    return Promise.resolve(undefined)
  }
  const knexClient = (client.getWriteClient() as any).client
  if (knexClient?.pool?.max !== 1) return Promise.resolve(undefined)
  let group = groupCommits.get(knexClient)
  if (!group) {
    group = new GroupCommit((batch) => commitOnSqlite(knexClient, batch))
    groupCommits.set(knexClient, group)
  }
  return group.submit(work) as Promise<T | undefined>
}

async function commitOnSqlite(knexClient: any, batch: Work[]): Promise<GroupOutcome<unknown>[]> {
  const connection: SqliteConnection = await knexClient.acquireConnection()
  try {
    // A knex transaction never leaves the connection inside one; if it did, BEGIN would nest.
    if (connection.inTransaction) return batch.map(() => ({ ok: true, value: undefined }))
    let workFailed = false
    try {
      const outcomes: GroupOutcome<unknown>[] = []
      connection
        .transaction(() => {
          for (const work of batch) {
            try {
              outcomes.push({ ok: true, value: work(connection) })
            } catch (error) {
              workFailed = true
              throw error
            }
          }
        })
        .immediate()
      return outcomes
    } catch (error) {
      // BEGIN or COMMIT failed (nothing written): every caller hears it. A lone item's own error is its answer.
      if (!workFailed) throw error
      if (batch.length === 1) return [{ ok: false, error }]
    }
    return runIsolated(connection, batch)
  } finally {
    await knexClient.releaseConnection(connection)
  }
}

/** The batch again, each item in its own savepoint: a failing item is rolled back alone. */
function runIsolated(connection: SqliteConnection, batch: Work[]): GroupOutcome<unknown>[] {
  const outcomes: GroupOutcome<unknown>[] = []
  connection
    .transaction(() => {
      for (const work of batch) {
        try {
          // Nested inside the batch's transaction: better-sqlite3 runs it in a savepoint.
          outcomes.push({ ok: true, value: connection.transaction(() => work(connection))() })
        } catch (error) {
          // Some errors (disk full, I/O) make SQLite roll back the whole transaction:
          // then nothing of the batch is written and every caller must hear it.
          if (!connection.inTransaction) throw error
          outcomes.push({ ok: false, error })
        }
      }
    })
    .immediate()
  return outcomes
}
