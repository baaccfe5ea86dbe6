import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * The highest row version (聚水潭 `ts`) an ERP connector has handed over, per
 * kind: once known, the next sync asks for what changed after it instead of
 * by modification-time windows.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('erp_sync_cursors', (table) => {
      table.string('row_version', 40).nullable()
    })
  }

  async down() {
    this.schema.alterTable('erp_sync_cursors', (table) => {
      table.dropColumn('row_version')
    })
  }
}
