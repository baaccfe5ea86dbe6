import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Templates grow versions, hour offsets and dependencies; companies get a
 * holiday list.
 *
 * - A template version is a row of its own and never changes: editing
 *   writes the next version (same `lineage_id`, the id of version 1) and
 *   marks the previous one superseded. Projects keep pointing at the row
 *   they were made from, so a new version never touches them.
 * - `offset_hours` (−23…23) shifts a task's due time from T + days;
 *   `depends_on` lists the positions (1-based, in the same version) the
 *   task waits for.
 * - `company_holidays`: days a template's due dates can be kept off.
 */
export default class extends BaseSchema {
  async up() {
    // The foreign key is added on PostgreSQL only: on SQLite, a column added
    // with a reference makes knex rebuild the table (DROP TABLE), which fails
    // on an install whose projects already point at its templates.
    this.schema.alterTable('playbook_templates', (table) => {
      table.integer('lineage_id').unsigned().nullable()
      table.timestamp('superseded_at').nullable()
      table.index(['company_id', 'superseded_at'])
    })
    if (this.db.dialect.name === 'postgres') {
      this.schema.alterTable('playbook_templates', (table) => {
        table.foreign('lineage_id').references('playbook_templates.id')
      })
    }
    this.schema.alterTable('playbook_template_tasks', (table) => {
      table.smallint('offset_hours').nullable()
      table.string('depends_on', 300).nullable()
    })
    this.schema.createTable('company_holidays', (table) => {
      table.increments('id')
      table.integer('company_id').unsigned().notNullable().references('companies.id')
      table.date('day').notNullable()
      table.string('name', 60).notNullable()
      table.timestamp('created_at').notNullable()
      table.unique(['company_id', 'day'])
    })
  }

  async down() {
    this.schema.dropTable('company_holidays')
    this.schema.alterTable('playbook_template_tasks', (table) => {
      table.dropColumn('depends_on')
      table.dropColumn('offset_hours')
    })
    if (this.db.dialect.name === 'postgres') {
      this.schema.alterTable('playbook_templates', (table) => {
        table.dropForeign('lineage_id')
      })
    }
    this.schema.alterTable('playbook_templates', (table) => {
      table.dropIndex(['company_id', 'superseded_at'])
      table.dropColumn('superseded_at')
      table.dropColumn('lineage_id')
    })
  }
}
