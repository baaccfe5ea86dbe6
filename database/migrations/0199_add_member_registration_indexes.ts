import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * "New members in the period" (the dashboard) counts by registration date,
 * or by the date Quanzi first saw the member when the platform gave none.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('members', (table) => {
      table.index(['company_id', 'registered_at'], 'members_company_registered_index')
      table.index(['company_id', 'created_at'], 'members_company_created_index')
    })
  }

  async down() {
    this.schema.alterTable('members', (table) => {
      table.dropIndex(['company_id', 'registered_at'], 'members_company_registered_index')
      table.dropIndex(['company_id', 'created_at'], 'members_company_created_index')
    })
  }
}
