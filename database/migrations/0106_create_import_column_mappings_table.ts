import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * 列映射: how the columns of a file whose header is not the standard format
 * map to import fields, saved per header so the next file with the same
 * header imports without asking again.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('import_column_mappings', (table) => {
      table.increments('id')
      table.integer('company_id').unsigned().notNullable().references('companies.id')
      /** members, orders, refunds */
      table.string('kind', 20).notNullable()
      /** SHA-256 of the normalised header cells, in order. */
      table.string('header_signature', 64).notNullable()
      /** JSON: the header cells as written. */
      table.text('headers').notNullable()
      /** JSON: one field name per column, '' for a column that is ignored. */
      table.text('columns').notNullable()
      table.integer('created_by_id').unsigned().nullable().references('users.id')
      table.integer('updated_by_id').unsigned().nullable().references('users.id')
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()
      table.unique(['company_id', 'kind', 'header_signature'])
    })
  }

  async down() {
    this.schema.dropTable('import_column_mappings')
  }
}
