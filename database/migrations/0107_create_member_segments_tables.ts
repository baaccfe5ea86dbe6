import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * 静态分群: a fixed set of members saved from a filtered member list. The
 * membership does not follow later changes (that is what filters and RFM
 * segments are for); the filter it was saved from is kept for reference.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('member_segments', (table) => {
      table.increments('id')
      table.integer('company_id').unsigned().notNullable().references('companies.id')
      table.string('name', 80).notNullable()
      /** JSON: the member-list filters it was saved from. */
      table.text('filters').nullable()
      table.integer('member_count').notNullable().defaultTo(0)
      table.integer('created_by_id').unsigned().nullable().references('users.id')
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()
      table.unique(['company_id', 'name'])
    })
    this.schema.createTable('member_segment_members', (table) => {
      table
        .integer('segment_id')
        .unsigned()
        .notNullable()
        .references('member_segments.id')
        .onDelete('CASCADE')
      table.integer('member_id').unsigned().notNullable().references('members.id')
      table.primary(['segment_id', 'member_id'])
      table.index(['member_id'])
    })
  }

  async down() {
    this.schema.dropTable('member_segment_members')
    this.schema.dropTable('member_segments')
  }
}
