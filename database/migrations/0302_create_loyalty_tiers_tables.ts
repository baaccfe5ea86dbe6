import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Tiers (会员等级): levels with a name, a colour and the rolling 12-month
 * paid spend that qualifies for them; each member's current tier (earned
 * or set by staff with a reason and an end date); and the tier history.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('loyalty_tiers', (table) => {
      table.increments('id')
      table.integer('company_id').unsigned().notNullable().references('companies.id')
      table.string('name', 40).notNullable()
      /** #rrggbb */
      table.string('color', 7).notNullable()
      /** Rolling 12-month paid spend (fen, net of completed refunds) that qualifies. */
      table.bigInteger('min_spend_fen').notNullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()
      table.unique(['company_id', 'min_spend_fen'])
      table.unique(['company_id', 'name'])
      table.check('?? >= 0', ['min_spend_fen'], 'loyalty_tiers_spend_check')
    })

    this.schema.createTable('member_tiers', (table) => {
      table.increments('id')
      table.integer('company_id').unsigned().notNullable().references('companies.id')
      table.integer('member_id').unsigned().notNullable().unique().references('members.id')
      table.integer('tier_id').unsigned().nullable().references('loyalty_tiers.id')
      table.boolean('manual').notNullable().defaultTo(false)
      table.string('manual_reason', 200).nullable()
      /** Null with manual: until staff change it. */
      table.timestamp('manual_until').nullable()
      /** When the member's spend first fell below the current tier (grace starts). */
      table.timestamp('below_since').nullable()
      table.timestamp('updated_at').notNullable()
      table.index(['company_id', 'tier_id'])
    })

    this.schema.createTable('member_tier_history', (table) => {
      table.increments('id')
      table.integer('company_id').unsigned().notNullable().references('companies.id')
      table.integer('member_id').unsigned().notNullable().references('members.id')
      table.integer('from_tier_id').unsigned().nullable().references('loyalty_tiers.id')
      table.integer('to_tier_id').unsigned().nullable().references('loyalty_tiers.id')
      /** upgrade, downgrade, manual, manual_end */
      table.string('reason', 20).notNullable()
      table.string('note', 200).nullable()
      table.bigInteger('spend_fen').nullable()
      table.integer('actor_id').unsigned().nullable().references('users.id')
      table.timestamp('created_at').notNullable()
      table.index(['member_id', 'id'])
    })

    this.schema.alterTable('loyalty_settings', (table) => {
      /** Days a member may stay below their tier before the periodic re-evaluation downgrades. */
      table.integer('tier_grace_days').notNullable().defaultTo(30)
    })
  }

  async down() {
    this.schema.alterTable('loyalty_settings', (table) => {
      table.dropColumn('tier_grace_days')
    })
    this.schema.dropTable('member_tier_history')
    this.schema.dropTable('member_tiers')
    this.schema.dropTable('loyalty_tiers')
  }
}
