import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * A per-member total cap (每人累计上限) on points earned from orders: what
 * one member may earn from orders in all, counting the orders of every rule
 * version (the sum of their `loyalty_order_accruals.points`).
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('loyalty_earning_rules', (table) => {
      table.integer('per_member_total_cap').nullable()
    })
  }

  async down() {
    this.schema.alterTable('loyalty_earning_rules', (table) => {
      table.dropColumn('per_member_total_cap')
    })
  }
}
