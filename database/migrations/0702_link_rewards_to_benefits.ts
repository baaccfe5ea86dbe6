import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * A benefit reward (积分兑换权益) names the benefit it grants and for how many
 * days; its redemption records the grant it created, so cancelling the
 * redemption revokes exactly that grant (refused once the grant was used).
 *
 * The foreign keys are added on PostgreSQL only: on SQLite, a column added
 * with a reference makes knex rebuild the table (DROP TABLE), which fails on
 * an install whose redemptions already point at its rewards.
 */
export default class extends BaseSchema {
  async up() {
    const withForeignKeys = this.db.dialect.name === 'postgres'
    this.schema.alterTable('loyalty_rewards', (table) => {
      table.integer('benefit_id').unsigned().nullable()
      table.integer('benefit_days').nullable()
      if (withForeignKeys) table.foreign('benefit_id').references('benefits.id')
    })
    this.schema.alterTable('loyalty_redemptions', (table) => {
      table.integer('benefit_grant_id').unsigned().nullable()
      if (withForeignKeys) table.foreign('benefit_grant_id').references('benefit_grants.id')
    })
  }

  async down() {
    const withForeignKeys = this.db.dialect.name === 'postgres'
    this.schema.alterTable('loyalty_redemptions', (table) => {
      if (withForeignKeys) table.dropForeign(['benefit_grant_id'])
      table.dropColumn('benefit_grant_id')
    })
    this.schema.alterTable('loyalty_rewards', (table) => {
      if (withForeignKeys) table.dropForeign(['benefit_id'])
      table.dropColumn('benefit_id')
      table.dropColumn('benefit_days')
    })
  }
}
