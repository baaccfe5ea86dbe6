import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Auto tags (自动标签): a tag whose members are whoever matches a rule. The
 * rule's conditions are member-list filters (the same keys the list, the
 * segments and the export use), stored as JSON; a job puts the tag on the
 * members that match and takes it off those that no longer do.
 * `member_tags.auto` marks the tag so staff cannot add or remove it by hand.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('member_tags', (table) => {
      table.boolean('auto').notNullable().defaultTo(false)
    })
    this.schema.createTable('member_tag_rules', (table) => {
      table.increments('id')
      table.integer('company_id').unsigned().notNullable().references('companies.id')
      table
        .integer('tag_id')
        .unsigned()
        .notNullable()
        .unique()
        .references('member_tags.id')
        .onDelete('CASCADE')
      /** JSON: member-list filters (MEMBER_FILTER_KEYS). */
      table.text('filters').notNullable()
      table.boolean('enabled').notNullable().defaultTo(true)
      table.integer('member_count').notNullable().defaultTo(0)
      table.timestamp('last_run_at').nullable()
      table.integer('last_added').notNullable().defaultTo(0)
      table.integer('last_removed').notNullable().defaultTo(0)
      /** The job run that last recomputed (or is recomputing) this rule. */
      table.integer('last_job_run_id').unsigned().nullable()
      table.integer('created_by_id').unsigned().nullable().references('users.id')
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()
      table.index(['company_id'])
    })
  }

  async down() {
    this.schema.dropTable('member_tag_rules')
    this.schema.alterTable('member_tags', (table) => {
      table.dropColumn('auto')
    })
  }
}
