import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import env from '#start/env'
import app from '@adonisjs/core/services/app'
import { defineConfig } from '@adonisjs/lucid'
import { shareEventLoopBetweenSqliteQueries } from '#app/shared/kernel/sqlite_turns'

/**
 * SQLite is the embedded default: one file, no server. PostgreSQL is what
 * production runs (DB_CONNECTION=pg). Every migration and query in Quanzi
 * is written to run unchanged on both.
 */
const sqliteFile = app.makePath(env.get('SQLITE_PATH', 'data/quanzi.sqlite'))
/** SQLite's page cache per connection (one connection per process). */
const sqliteCacheMb = env.get('SQLITE_CACHE_MB', 256)
if (env.get('DB_CONNECTION') === 'sqlite') {
  // The embedded database lives in a folder that a fresh clone does not have yet.
  mkdirSync(dirname(sqliteFile), { recursive: true })
  // Jobs run in the web process without Redis: long work must let requests in.
  shareEventLoopBetweenSqliteQueries()
}

const migrations = { naturalSort: true, paths: ['database/migrations'] }
const seeders = { paths: ['database/seeders'] }
/**
 * Models declare their columns by hand: a schema generated from the live
 * database would differ between SQLite and PostgreSQL.
 */
const schemaGeneration = { enabled: false }

const dbConfig = defineConfig({
  connection: env.get('DB_CONNECTION'),
  prettyPrintDebugQueries: true,
  connections: {
    sqlite: {
      client: 'better-sqlite3',
      connection: {
        filename: sqliteFile,
      },
      useNullAsDefault: true,
      pool: {
        /**
         * WAL lets readers and one writer work side by side; the busy
         * timeout makes a second writer wait instead of failing at once;
         * SQLite leaves foreign keys off unless asked.
         */
        afterCreate: (connection: any, done: (error: Error | null, connection: any) => void) => {
          try {
            connection.pragma('journal_mode = WAL')
            connection.pragma('busy_timeout = 5000')
            connection.pragma('foreign_keys = ON')
            connection.pragma('synchronous = NORMAL')
            // SQLite's own page cache is 2 MB per connection by default: at 1M members
            // every index insert of an import went to the operating system for pages
            // (the import's raw insert of all five tables ran at 13k rows/s, 22k with
            // 256 MB; the order import at 5.4–7.1k, 7.6–9.2k). Pages are taken as used,
            // so a small database takes no more than its size.
            connection.pragma(`cache_size = ${-sqliteCacheMb * 1024}`)
            // The query planner's statistics, which SQLite never gathers by itself.
            // Without them it guesses, and at 1M members the list filtered by
            // category and city walked every member (610 ms instead of 200 ms).
            // `optimize` analyses only tables whose statistics are missing or
            // stale; imports run it again when they finish
            // (app/members/imports/run_import.ts). 0x10002: check every table,
            // and read whole indexes. A sample (analysis_limit, or optimize's
            // own default limit) sees one company in its first rows and records
            // ~1,000 members per company at 1M: every (company_id, …) index then
            // looks selective, and a walk of 500 members in id order went through
            // one of them (51 s, against 7 ms by primary key). Reading whole
            // indexes takes a while each time a table has grown about tenfold
            // (72 s for 1M members / 10M orders from a cold disk), then nothing.
            try {
              connection.pragma('optimize = 0x10002')
            } catch {
              // Another process holds the write lock (an import): the next open or import does it.
            }
            done(null, connection)
          } catch (error) {
            done(error as Error, connection)
          }
        },
      },
      migrations,
      seeders,
      schemaGeneration,
    },
    pg: {
      client: 'pg',
      connection: env.get('DATABASE_URL')
        ? { connectionString: env.get('DATABASE_URL') }
        : {
            host: env.get('PG_HOST', '127.0.0.1'),
            port: env.get('PG_PORT', 5432),
            user: env.get('PG_USER', 'postgres'),
            password: env.get('PG_PASSWORD')?.release(),
            database: env.get('PG_DB_NAME', 'quanzi'),
          },
      pool: {
        min: 0,
        max: 10,
        /**
         * Timestamps are stored as UTC wall-clock values. JIT compilation is off: Quanzi's
         * statements are short, but the planner prices the ones with correlated sub-selects
         * (a member's figures over their orders and refunds) above jit_above_cost, and
         * compiling one took 200 ms of its 250 ms — every 500 members of a refund import.
         */
        afterCreate: (connection: any, done: (error: Error | null, connection: any) => void) => {
          connection.query(`SET TIME ZONE 'UTC'; SET jit = off`, (error: Error | null) =>
            done(error, connection)
          )
        },
      },
      migrations,
      seeders,
      schemaGeneration,
    },
  },
})

export default dbConfig
