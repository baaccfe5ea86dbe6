import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Earning rules and the accrual job's state.
 *
 * - `loyalty_settings`: one row per company — return window, expiry policy,
 *   what a refund does when the points were spent, the unit cost of a point.
 * - `loyalty_earning_rules`: versioned base rules; a new version is a new row
 *   (never an edit), in force from `effective_from`. An order earns by the
 *   version in force when it was paid.
 * - `loyalty_promotions`: time-boxed multipliers (会员日双倍积分); windows of
 *   active promotions never overlap (checked when saving).
 * - `loyalty_order_accruals`: what each order earned and by which rule — one
 *   row per order (unique), written after the ledger posting.
 * - `loyalty_cursors`: how far the accrual job has read the commerce status
 *   history, so it resumes where it stopped.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('loyalty_settings', (table) => {
      table.increments('id')
      table.integer('company_id').unsigned().notNullable().unique().references('companies.id')
      table.integer('return_window_days').notNullable().defaultTo(7)
      /** never, months, year_after_next */
      table.string('expiry_policy', 20).notNullable().defaultTo('year_after_next')
      table.integer('expiry_months').nullable()
      /** allow_negative, record_shortfall */
      table.string('shortfall_policy', 20).notNullable().defaultTo('record_shortfall')
      /** What one point costs the company, in fen (liability). */
      table.integer('unit_cost_fen').notNullable().defaultTo(1)
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()
      table.check(
        `?? IN ('never','months','year_after_next')`,
        ['expiry_policy'],
        'loyalty_settings_expiry_check'
      )
      table.check(
        `?? IN ('allow_negative','record_shortfall')`,
        ['shortfall_policy'],
        'loyalty_settings_shortfall_check'
      )
      table.check('?? >= 0', ['return_window_days'], 'loyalty_settings_window_check')
    })

    this.schema.createTable('loyalty_earning_rules', (table) => {
      table.increments('id')
      table.integer('company_id').unsigned().notNullable().references('companies.id')
      table.integer('version').notNullable()
      /** Points per ¥1 paid; fractions of a point are floored. */
      table.integer('points_per_yuan').notNullable()
      table.boolean('include_shipping').notNullable().defaultTo(false)
      /** Null: no cap. */
      table.integer('per_order_cap').nullable()
      table.timestamp('effective_from').notNullable()
      table.string('note', 200).nullable()
      table.integer('created_by_id').unsigned().nullable().references('users.id')
      table.timestamp('created_at').notNullable()
      table.unique(['company_id', 'version'])
      table.index(['company_id', 'effective_from'])
      table.check('?? >= 0', ['points_per_yuan'], 'loyalty_earning_rules_rate_check')
      table.check(
        '?? IS NULL OR ?? > 0',
        ['per_order_cap', 'per_order_cap'],
        'loyalty_earning_rules_cap_check'
      )
    })

    this.schema.createTable('loyalty_promotions', (table) => {
      table.increments('id')
      table.integer('company_id').unsigned().notNullable().references('companies.id')
      table.string('name', 100).notNullable()
      /** 200 = double points. Applied after the base rate, floored. */
      table.integer('multiplier_percent').notNullable()
      table.timestamp('starts_at').notNullable()
      table.timestamp('ends_at').notNullable()
      table.timestamp('cancelled_at').nullable()
      table.integer('created_by_id').unsigned().nullable().references('users.id')
      table.timestamp('created_at').notNullable()
      table.index(['company_id', 'starts_at'])
      table.check('?? > 0', ['multiplier_percent'], 'loyalty_promotions_multiplier_check')
    })

    this.schema.createTable('loyalty_order_accruals', (table) => {
      table.increments('id')
      table.integer('company_id').unsigned().notNullable().references('companies.id')
      table.integer('order_id').unsigned().notNullable().unique().references('orders.id')
      table.integer('member_id').unsigned().notNullable().references('members.id')
      table.integer('rule_id').unsigned().nullable().references('loyalty_earning_rules.id')
      table.integer('promotion_id').unsigned().nullable().references('loyalty_promotions.id')
      table.bigInteger('eligible_fen').notNullable()
      table.integer('points').notNullable()
      table.integer('posting_id').unsigned().nullable().references('points_postings.id')
      table.timestamp('created_at').notNullable()
      table.index(['member_id'])
    })

    this.schema.createTable('loyalty_cursors', (table) => {
      table.string('name', 60).primary()
      table.bigInteger('position').notNullable().defaultTo(0)
      table.timestamp('updated_at').notNullable()
    })
  }

  async down() {
    this.schema.dropTable('loyalty_cursors')
    this.schema.dropTable('loyalty_order_accruals')
    this.schema.dropTable('loyalty_promotions')
    this.schema.dropTable('loyalty_earning_rules')
    this.schema.dropTable('loyalty_settings')
  }
}
