import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Incremental RFM: `member_rfm_dirty` holds the members whose orders
 * changed since their scores were last computed (filled by MemberStats,
 * drained by the members.rfm_incremental job); `member_rfm_cuts` keeps the
 * quintile cut points of the last full recompute, so a member recomputed on
 * their own is scored against the same ranking.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('member_rfm_dirty', (table) => {
      table.integer('member_id').unsigned().primary().references('members.id').onDelete('CASCADE')
      table.integer('company_id').unsigned().notNullable().references('companies.id')
      table.timestamp('marked_at').notNullable()
      table.index(['company_id', 'member_id'])
    })
    this.schema.createTable('member_rfm_cuts', (table) => {
      table.integer('company_id').unsigned().primary().references('companies.id')
      /** JSON { r, f, m }: per score 2–5, the lowest [value, member id] of that quintile. */
      table.text('cuts').notNullable()
      table.integer('window_days').notNullable()
      table.timestamp('computed_at').notNullable()
    })
  }

  async down() {
    this.schema.dropTable('member_rfm_cuts')
    this.schema.dropTable('member_rfm_dirty')
  }
}
