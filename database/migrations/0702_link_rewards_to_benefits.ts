import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * A benefit reward (积分兑换权益) names the benefit it grants and for how many
 * days; its redemption records the grant it created, so cancelling the
 * redemption revokes exactly that grant (refused once the grant was used).
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('loyalty_rewards', (table) => {
      table.integer('benefit_id').unsigned().nullable().references('benefits.id')
      table.integer('benefit_days').nullable()
    })
    this.schema.alterTable('loyalty_redemptions', (table) => {
      table.integer('benefit_grant_id').unsigned().nullable().references('benefit_grants.id')
    })
  }

  async down() {
    this.schema.alterTable('loyalty_redemptions', (table) => {
      table.dropForeign(['benefit_grant_id'])
      table.dropColumn('benefit_grant_id')
    })
    this.schema.alterTable('loyalty_rewards', (table) => {
      table.dropForeign(['benefit_id'])
      table.dropColumn('benefit_id')
      table.dropColumn('benefit_days')
    })
  }
}
