import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Members (会员): the customers of the company, one row per real person
 * after OneID resolution. The phone is stored encrypted with a blind
 * index beside it (unique per company). A member merged into another
 * keeps its row with `merged_into_id` set so the merge can be undone.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('members', (table) => {
      table.increments('id')
      table.integer('company_id').unsigned().notNullable().references('companies.id')
      table.string('name', 80).nullable()
      /** male, female, unknown */
      table.string('gender', 10).notNullable().defaultTo('unknown')
      table.date('birthday').nullable()
      table.string('province', 40).nullable()
      table.string('city', 40).nullable()
      table.timestamp('registered_at').nullable()
      table.integer('source_shop_id').unsigned().nullable().references('shops.id')
      table.string('source_channel', 40).nullable()
      table.integer('guide_id').unsigned().nullable().references('users.id')
      table.text('notes').nullable()
      table.text('phone_encrypted').nullable()
      table.string('phone_hash', 64).nullable()
      table.string('email', 254).nullable()
      table.integer('merged_into_id').unsigned().nullable().references('members.id')
      table.timestamp('erased_at').nullable()
      /** Order figures kept up to date by the commerce upserts, for filtering. */
      table.integer('order_count').notNullable().defaultTo(0)
      table.bigInteger('spent_fen').notNullable().defaultTo(0)
      table.timestamp('first_order_at').nullable()
      table.timestamp('last_order_at').nullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()
      table.unique(['company_id', 'phone_hash'])
      table.index(['company_id', 'name'])
      table.index(['company_id', 'province', 'city'])
      table.index(['company_id', 'birthday'])
      table.index(['company_id', 'last_order_at'])
      table.index(['company_id', 'spent_fen'])
      table.index(['merged_into_id'])
      table.index(['source_shop_id'])
      table.index(['guide_id'])
    })
  }

  async down() {
    this.schema.dropTable('members')
  }
}
