import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * The member list's points filter (minPoints/maxPoints) selects accounts by
 * company and balance and needs only their member ids: this index answers it
 * without reading the accounts table.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('points_accounts', (table) => {
      table.index(['company_id', 'balance', 'member_id'], 'points_accounts_company_balance_index')
    })
  }

  async down() {
    this.schema.alterTable('points_accounts', (table) => {
      table.dropIndex(
        ['company_id', 'balance', 'member_id'],
        'points_accounts_company_balance_index'
      )
    })
  }
}
