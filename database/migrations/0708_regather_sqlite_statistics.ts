import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Earlier versions gathered SQLite's planner statistics from a sample of
 * 1,000 rows per index, which recorded about 1,000 members per company at
 * 1M members and made every (company_id, …) index look selective (see
 * config/database.ts). Connections now gather them from whole indexes, but
 * only for tables without statistics or grown about tenfold, so statistics
 * already sampled would stay. This gathers them again once, from whole
 * indexes (72 s for 1M members / 10M orders from a cold disk; nothing to
 * read on a new installation). PostgreSQL gathers its own.
 */
export default class extends BaseSchema {
  async up() {
    if (this.db.dialect.name !== 'better-sqlite3') return
    this.defer(async (db) => {
      await db.rawQuery('pragma analysis_limit = 0')
      await db.rawQuery('analyze')
    })
  }

  async down() {}
}
