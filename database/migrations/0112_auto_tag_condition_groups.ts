import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Auto-tag rules get OR groups: `member_tag_rules.filters` now holds a JSON
 * array of condition groups (each a member-list filter, its conditions ANDed);
 * a member matches the rule when any group matches. Rules stored before this
 * (one flat filter object) become a rule with that one group. The column keeps
 * its name so no table is rebuilt on SQLite.
 */
export default class extends BaseSchema {
  async up() {
    this.defer(async (db) => {
      const rows = await db.from('member_tag_rules').select('id', 'filters')
      for (const row of rows) {
        const stored = JSON.parse(row.filters)
        if (Array.isArray(stored)) continue
        await db
          .from('member_tag_rules')
          .where('id', row.id)
          .update({ filters: JSON.stringify([stored]) })
      }
    })
  }

  async down() {
    // Back to one flat filter: a rule with several groups keeps its first one.
    this.defer(async (db) => {
      const rows = await db.from('member_tag_rules').select('id', 'filters')
      for (const row of rows) {
        const stored = JSON.parse(row.filters)
        if (!Array.isArray(stored)) continue
        await db
          .from('member_tag_rules')
          .where('id', row.id)
          .update({ filters: JSON.stringify(stored[0] ?? {}) })
      }
    })
  }
}
