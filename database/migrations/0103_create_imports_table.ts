import { BaseSchema } from '@adonisjs/lucid/schema'

/** Every import of members, orders or refunds, from the UI or the CLI, with its counts. */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('imports', (table) => {
      table.increments('id')
      table.integer('company_id').unsigned().notNullable().references('companies.id')
      /** members, orders, refunds */
      table.string('kind', 20).notNullable()
      table.string('file_name', 255).notNullable()
      /** Where the uploaded file is kept while and after it runs. */
      table.string('file_path', 500).notNullable()
      /** queued, running, succeeded, failed */
      table.string('status', 20).notNullable()
      table.string('encoding', 20).nullable()
      table.string('preset', 40).nullable()
      table.integer('rows').notNullable().defaultTo(0)
      table.integer('inserted').notNullable().defaultTo(0)
      table.integer('updated').notNullable().defaultTo(0)
      table.integer('duplicates').notNullable().defaultTo(0)
      table.integer('rejected').notNullable().defaultTo(0)
      table.string('rejects_path', 500).nullable()
      table.text('error').nullable()
      table.integer('job_run_id').unsigned().nullable()
      table.integer('requested_by_id').unsigned().nullable().references('users.id')
      table.timestamp('started_at').nullable()
      table.timestamp('finished_at').nullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()
      table.index(['company_id', 'created_at'])
    })
  }

  async down() {
    this.schema.dropTable('imports')
  }
}
