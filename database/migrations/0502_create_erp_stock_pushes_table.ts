import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Stock pushed to an ERP connector: one row per idempotency key, written
 * before the connector is called, so the same key never pushes twice.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('erp_stock_pushes', (table) => {
      table.increments('id')
      table.string('connector', 50).notNullable()
      table.string('idempotency_key', 100).notNullable()
      /** pending (written), pushing (claimed; outcome unknown until marked), pushed, failed */
      table.string('status', 10).notNullable()
      table.integer('items_count').notNullable()
      /** [{ skuCode, quantity }] as JSON text */
      table.text('items').notNullable()
      table.integer('run_id').nullable()
      table.text('error_message').nullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('pushed_at').nullable()
      table.unique(['connector', 'idempotency_key'])
    })
  }

  async down() {
    this.schema.dropTable('erp_stock_pushes')
  }
}
