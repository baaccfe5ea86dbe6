import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Earning rules beyond the base rate, carried by each rule version (so an
 * order earns by the multipliers and exclusions in force when it was paid):
 * - `tier_multipliers`: JSON object tier id → percent (150 = ×1.5);
 * - `item_rules`: JSON array of { scope: sku|category|shop, match, percent }
 *   (percent 0 = excluded);
 * - bonuses in points (0 = none): signup, first order, birthday month,
 *   completed profile — each posted once per member (birthday: once a year).
 * `loyalty_order_accruals` records the tier the order earned at and the
 * points a promotion added (what its budget paid for).
 *
 * The foreign key on tier_id is added on PostgreSQL only: on SQLite, a
 * column added with a reference makes knex rebuild the table (DROP TABLE),
 * which fails once other rows point at the table.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('loyalty_earning_rules', (table) => {
      table.text('tier_multipliers').nullable()
      table.text('item_rules').nullable()
      table.integer('signup_bonus').notNullable().defaultTo(0)
      table.integer('first_order_bonus').notNullable().defaultTo(0)
      table.integer('birthday_bonus').notNullable().defaultTo(0)
      table.integer('profile_bonus').notNullable().defaultTo(0)
    })
    this.schema.alterTable('loyalty_order_accruals', (table) => {
      table.integer('tier_id').unsigned().nullable()
      table.integer('promotion_points').notNullable().defaultTo(0)
      if (this.db.dialect.name === 'postgres')
        table.foreign('tier_id').references('loyalty_tiers.id')
    })
  }

  async down() {
    this.schema.alterTable('loyalty_order_accruals', (table) => {
      table.dropColumn('promotion_points')
      table.dropColumn('tier_id')
    })
    this.schema.alterTable('loyalty_earning_rules', (table) => {
      table.dropColumn('profile_bonus')
      table.dropColumn('birthday_bonus')
      table.dropColumn('first_order_bonus')
      table.dropColumn('signup_bonus')
      table.dropColumn('item_rules')
      table.dropColumn('tier_multipliers')
    })
  }
}
