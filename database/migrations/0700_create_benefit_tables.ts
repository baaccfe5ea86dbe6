import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Benefits (权益): a catalogue, grants (to a tier, or to one member with
 * validity), and claims counted against a quota per period. The usage row
 * per member, benefit and period is what a claim increments with a
 * conditional update, so two claims racing for the last use get one.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('benefits', (table) => {
      table.increments('id')
      table.integer('company_id').unsigned().notNullable().references('companies.id')
      table.string('name', 60).notNullable()
      /** free_shipping, birthday_gift, priority_service, member_price, member_day, custom. */
      table.string('kind', 20).notNullable()
      table.string('description', 300).nullable()
      /** Uses per period; null: unlimited. */
      table.integer('quota').nullable()
      /** month, year or once (over the whole grant). */
      table.string('period', 10).notNullable()
      table.timestamp('archived_at').nullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()
      table.unique(['company_id', 'name'])
    })

    this.schema.createTable('benefit_grants', (table) => {
      table.increments('id')
      table.integer('company_id').unsigned().notNullable().references('companies.id')
      table.integer('benefit_id').unsigned().notNullable().references('benefits.id')
      /** Exactly one of tier and member. */
      table.integer('tier_id').unsigned().nullable().references('loyalty_tiers.id')
      table.integer('member_id').unsigned().nullable().references('members.id')
      table.timestamp('valid_from').notNullable()
      table.timestamp('valid_until').nullable()
      table.string('reason', 200).nullable()
      table.timestamp('revoked_at').nullable()
      table.integer('created_by_id').unsigned().nullable().references('users.id')
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()
      table.index(['benefit_id', 'tier_id'])
      table.index(['member_id'])
    })

    this.schema.createTable('benefit_usage', (table) => {
      table.integer('member_id').unsigned().notNullable().references('members.id')
      table.integer('benefit_id').unsigned().notNullable().references('benefits.id')
      /** 2026-12 (month), 2026 (year) or once. */
      table.string('period_key', 10).notNullable()
      table.integer('used').notNullable().defaultTo(0)
      table.primary(['member_id', 'benefit_id', 'period_key'])
    })

    this.schema.createTable('benefit_claims', (table) => {
      table.increments('id')
      table.integer('company_id').unsigned().notNullable().references('companies.id')
      table.integer('benefit_id').unsigned().notNullable().references('benefits.id')
      table.integer('member_id').unsigned().notNullable().references('members.id')
      table.integer('grant_id').unsigned().notNullable().references('benefit_grants.id')
      table.string('period_key', 10).notNullable()
      /** ui or api. */
      table.string('channel', 10).notNullable()
      table.string('note', 200).nullable()
      table.string('idempotency_key', 100).notNullable()
      table.integer('created_by_id').unsigned().nullable().references('users.id')
      table.timestamp('claimed_at').notNullable()
      table.unique(['company_id', 'idempotency_key'])
      table.index(['benefit_id', 'claimed_at'])
      table.index(['member_id', 'claimed_at'])
    })
  }

  async down() {
    this.schema.dropTable('benefit_claims')
    this.schema.dropTable('benefit_usage')
    this.schema.dropTable('benefit_grants')
    this.schema.dropTable('benefits')
  }
}
