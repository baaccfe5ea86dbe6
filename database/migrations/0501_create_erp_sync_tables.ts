import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * The ERP sync engine: how far each connector's orders and refunds are
 * synced (the cursor), and a record of every run.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('erp_sync_cursors', (table) => {
      table.increments('id')
      table.string('connector', 50).notNullable()
      /** orders or refunds */
      table.string('kind', 10).notNullable()
      /** Everything modified before this time has been imported. */
      table.timestamp('synced_until').notNullable()
      table.timestamp('updated_at').notNullable()
      table.unique(['connector', 'kind'])
    })

    this.schema.createTable('erp_sync_runs', (table) => {
      table.increments('id')
      table.string('connector', 50).notNullable()
      table.string('kind', 10).notNullable()
      /** running, completed, failed */
      table.string('status', 10).notNullable()
      table.timestamp('window_from').notNullable()
      table.timestamp('window_to').notNullable()
      table.integer('windows').notNullable().defaultTo(0)
      table.integer('pages').notNullable().defaultTo(0)
      table.integer('fetched').notNullable().defaultTo(0)
      table.integer('inserted').notNullable().defaultTo(0)
      table.integer('updated').notNullable().defaultTo(0)
      table.integer('unchanged').notNullable().defaultTo(0)
      table.integer('errors').notNullable().defaultTo(0)
      table.text('error_message').nullable()
      table.timestamp('started_at').notNullable()
      table.timestamp('finished_at').nullable()
      table.integer('duration_ms').nullable()
      table.index(['connector', 'started_at'])
    })
  }

  async down() {
    this.schema.dropTable('erp_sync_runs')
    this.schema.dropTable('erp_sync_cursors')
  }
}
