import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * A coupon reward (积分兑券) names the coupon template it gives; redeeming it
 * issues a real coupon with its own code in the same transaction as the
 * points, and the redemption remembers which coupon it gave.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('loyalty_rewards', (table) => {
      table.integer('coupon_template_id').unsigned().nullable().references('coupon_templates.id')
    })
    this.schema.alterTable('loyalty_redemptions', (table) => {
      table.integer('coupon_id').unsigned().nullable().references('coupons.id')
    })
  }

  async down() {
    this.schema.alterTable('loyalty_redemptions', (table) => {
      table.dropForeign(['coupon_id'])
      table.dropColumn('coupon_id')
    })
    this.schema.alterTable('loyalty_rewards', (table) => {
      table.dropForeign(['coupon_template_id'])
      table.dropColumn('coupon_template_id')
    })
  }
}
