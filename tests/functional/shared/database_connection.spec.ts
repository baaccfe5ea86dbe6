import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'

/**
 * What every pooled connection is set up with (config/database.ts): the
 * queries and their measured speed rely on it, so a connection made later
 * (inside a transaction, after the pool grew) must have it too.
 */
test.group('Database connections', () => {
  test('every connection has the settings the queries rely on', async ({ assert }) => {
    const dialect = db.connection().dialect.name
    // Two transactions at once hold two connections on PostgreSQL (one on SQLite).
    const first = await db.transaction()
    const second = dialect === 'postgres' ? await db.transaction() : first
    try {
      for (const client of new Set([first, second])) {
        if (dialect === 'postgres') {
          const zone = await client.rawQuery('show timezone')
          assert.equal(zone.rows[0].TimeZone, 'UTC')
          // JIT compiling a refund import's member figures took 200 ms a statement.
          const jit = await client.rawQuery('show jit')
          assert.equal(jit.rows[0].jit, 'off')
        } else {
          const [foreignKeys] = await client.rawQuery('pragma foreign_keys')
          assert.equal(foreignKeys.foreign_keys, 1)
          const [journal] = await client.rawQuery('pragma journal_mode')
          assert.equal(journal.journal_mode, 'wal')
        }
      }
    } finally {
      await first.rollback()
      if (second !== first) await second.rollback()
    }
  })
})
