import { BaseSchema } from '@adonisjs/lucid/schema'

/** A per-member daily cap on points earned from orders (by the day the order was paid, company zone). */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('loyalty_earning_rules', (table) => {
      table.integer('per_member_daily_cap').nullable()
    })
  }

  async down() {
    this.schema.alterTable('loyalty_earning_rules', (table) => {
      table.dropColumn('per_member_daily_cap')
    })
  }
}
