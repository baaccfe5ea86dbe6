import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Rewards catalogue (积分商城) and redemptions. A redemption's points go
 * through the ledger (a `redeem` posting); cancelling it posts
 * `cancel_redeem`, which returns the points to their original lots.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('loyalty_rewards', (table) => {
      table.increments('id')
      table.integer('company_id').unsigned().notNullable().references('companies.id')
      table.string('name', 100).notNullable()
      /** coupon, gift, benefit, cash */
      table.string('kind', 12).notNullable()
      table.integer('points_cost').notNullable()
      /** Units left (global limit); null: unlimited. */
      table.integer('stock').nullable()
      /** Active redemptions one member may hold; null: no limit. */
      table.integer('per_member_limit').nullable()
      table.boolean('active').notNullable().defaultTo(true)
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()
      table.index(['company_id', 'active'])
      table.check('?? > 0', ['points_cost'], 'loyalty_rewards_cost_check')
      table.check('?? IS NULL OR ?? >= 0', ['stock', 'stock'], 'loyalty_rewards_stock_check')
      table.check(
        `?? IN ('coupon','gift','benefit','cash')`,
        ['kind'],
        'loyalty_rewards_kind_check'
      )
    })

    this.schema.createTable('loyalty_redemptions', (table) => {
      table.increments('id')
      table.integer('company_id').unsigned().notNullable().references('companies.id')
      table.integer('member_id').unsigned().notNullable().references('members.id')
      table.integer('reward_id').unsigned().notNullable().references('loyalty_rewards.id')
      table.integer('points').notNullable()
      table.integer('posting_id').unsigned().notNullable().unique().references('points_postings.id')
      /** active, cancelled */
      table.string('status', 12).notNullable()
      table.integer('cancel_posting_id').unsigned().nullable().references('points_postings.id')
      table.integer('created_by_id').unsigned().nullable().references('users.id')
      table.integer('cancelled_by_id').unsigned().nullable().references('users.id')
      table.timestamp('created_at').notNullable()
      table.timestamp('cancelled_at').nullable()
      table.index(['member_id', 'reward_id', 'status'])
    })
  }

  async down() {
    this.schema.dropTable('loyalty_redemptions')
    this.schema.dropTable('loyalty_rewards')
  }
}
