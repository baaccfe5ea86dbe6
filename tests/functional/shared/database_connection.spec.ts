import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import app from '@adonisjs/core/services/app'
import { randomUUID } from 'node:crypto'
import { mkdir, rm } from 'node:fs/promises'
import { dirname } from 'node:path'
import databaseConfig from '#config/database'

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
          // SQLITE_CACHE_MB (default 256), in KiB as a negative number of pages.
          const [cache] = await client.rawQuery('pragma cache_size')
          assert.equal(cache.cache_size, -Number(process.env.SQLITE_CACHE_MB ?? 256) * 1024)
        }
      }
    } finally {
      await first.rollback()
      if (second !== first) await second.rollback()
    }
  })
})

test.group('Database connections / SQLite planner statistics', () => {
  // Runs on both CI passes: it opens its own SQLite file with the app's SQLite settings.
  test('a SQLite database without statistics gets them when Quanzi opens it', async ({
    assert,
  }) => {
    const path = app.tmpPath(`stats-${randomUUID()}.sqlite`)
    await mkdir(dirname(path), { recursive: true })
    const open = () =>
      db.manager.add('stats_check', {
        ...(databaseConfig.connections.sqlite as any),
        connection: { filename: path },
      })
    try {
      // A database as an installation has it: tables filled, never analysed.
      open()
      const filling = db.connection('stats_check')
      await filling.rawQuery(
        'create table members (id integer primary key, company_id integer, city text)'
      )
      await filling.rawQuery(
        'create index members_company_id_city_index on members (company_id, city)'
      )
      await filling.rawQuery(
        `with recursive n(i) as (select 1 union all select i + 1 from n where i < 5000)
         insert into members (company_id, city) select 1, 'city ' || (i % 50) from n`
      )
      const before = await filling.rawQuery(
        `select name from sqlite_master where name = 'sqlite_stat1'`
      )
      assert.lengthOf(before, 0)
      await db.manager.close('stats_check', true)

      open()
      const stats = await db
        .connection('stats_check')
        .rawQuery(`select idx, stat from sqlite_stat1 where tbl = 'members'`)
      // Read from the whole index: all 5,000 members in the one company, 100 per city.
      // A sample of the first rows records about 1,000 per company, and every index
      // led by company_id looks selective to the planner.
      assert.deepEqual(stats, [{ idx: 'members_company_id_city_index', stat: '5000 5000 100' }])
    } finally {
      await db.manager.close('stats_check', true)
      await rm(path, { force: true })
    }
  })
})
