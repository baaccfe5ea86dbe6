import { createRequire } from 'node:module'

/**
 * How long the process may run SQLite queries back to back before the next
 * one waits for a turn of the event loop.
 */
const TURN_EVERY_MS = 10

let lastTurn = performance.now()

/**
 * better-sqlite3 answers synchronously, so knex's promise for a SQLite query
 * is settled before anything else can run: code awaiting one query after
 * another never lets the event loop turn. Without Redis the web process runs
 * the jobs itself, and at 1M members the nightly jobs kept `/login` from
 * answering for minutes (a 10 ms timer fired 0 times during 2 s of such a
 * loop). From here on, a query waits for one turn (`setImmediate`: pending
 * I/O, so HTTP requests, then timers) once queries have run for
 * TURN_EVERY_MS without one. Statements run on a raw connection (bulk
 * inserts, the ledger's group commit) are not affected.
 *
 * Patches the knex dialect's `_query` once per process; Lucid does not let a
 * connection name its own knex client class.
 */
export function shareEventLoopBetweenSqliteQueries() {
  const require = createRequire(import.meta.url)
  const Client = require('knex/lib/dialects/better-sqlite3/index.js')
  const prototype = Client.prototype
  if (prototype._turnsShared) return
  const query = prototype._query
  prototype._query = async function (this: unknown, connection: unknown, obj: unknown) {
    if (performance.now() - lastTurn > TURN_EVERY_MS) {
      await new Promise((resolve) => setImmediate(resolve))
      lastTurn = performance.now()
    }
    return query.call(this, connection, obj)
  }
  prototype._turnsShared = true
}
