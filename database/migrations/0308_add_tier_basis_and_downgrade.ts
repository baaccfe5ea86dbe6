import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Tiers qualify by one of three rolling 12-month figures, chosen per company:
 * paid spend (fen, the only basis before), points earned, or order count. A
 * tier's threshold is in that basis's unit, so `min_spend_fen` becomes
 * `threshold`. Downgrades go to the earned tier (as before) or one level at
 * a time.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('loyalty_tiers', (table) => {
      table.renameColumn('min_spend_fen', 'threshold')
    })
    this.schema.alterTable('loyalty_settings', (table) => {
      /** spend, points, orders */
      table.string('tier_basis', 10).notNullable().defaultTo('spend')
      /** earned (to the tier the figure earns), one_level */
      table.string('tier_downgrade', 10).notNullable().defaultTo('earned')
    })
  }

  async down() {
    this.schema.alterTable('loyalty_settings', (table) => {
      table.dropColumn('tier_downgrade')
      table.dropColumn('tier_basis')
    })
    this.schema.alterTable('loyalty_tiers', (table) => {
      table.renameColumn('threshold', 'min_spend_fen')
    })
  }
}
