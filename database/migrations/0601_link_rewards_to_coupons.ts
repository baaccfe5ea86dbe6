import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * A coupon reward (积分兑券) names the coupon template it gives; redeeming it
 * issues a real coupon with its own code in the same transaction as the
 * points, and the redemption remembers which coupon it gave.
 *
 * The foreign keys are added on PostgreSQL only: on SQLite, a column added
 * with a reference makes knex rebuild the table (DROP TABLE), which fails on
 * an install whose redemptions already point at its rewards.
 */
export default class extends BaseSchema {
  async up() {
    const withForeignKeys = this.db.dialect.name === 'postgres'
    this.schema.alterTable('loyalty_rewards', (table) => {
      table.integer('coupon_template_id').unsigned().nullable()
      if (withForeignKeys) table.foreign('coupon_template_id').references('coupon_templates.id')
    })
    this.schema.alterTable('loyalty_redemptions', (table) => {
      table.integer('coupon_id').unsigned().nullable()
      if (withForeignKeys) table.foreign('coupon_id').references('coupons.id')
    })
  }

  async down() {
    const withForeignKeys = this.db.dialect.name === 'postgres'
    this.schema.alterTable('loyalty_redemptions', (table) => {
      if (withForeignKeys) table.dropForeign(['coupon_id'])
      table.dropColumn('coupon_id')
    })
    this.schema.alterTable('loyalty_rewards', (table) => {
      if (withForeignKeys) table.dropForeign(['coupon_template_id'])
      table.dropColumn('coupon_template_id')
    })
  }
}
