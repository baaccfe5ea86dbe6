import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Consent and personal-data rights (PIPL): the current marketing consent
 * per member and channel, its full history, and the do-not-contact list,
 * which also covers people who are not members (by phone blind index).
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('member_consents', (table) => {
      table.increments('id')
      table.integer('company_id').unsigned().notNullable().references('companies.id')
      table.integer('member_id').unsigned().notNullable().references('members.id')
      /** sms, wechat, email */
      table.string('channel', 10).notNullable()
      table.boolean('granted').notNullable()
      /** import, api, staff, store, reply (an unsubscribe reply), erasure */
      table.string('source', 20).notNullable()
      table.timestamp('recorded_at').notNullable()
      table.unique(['member_id', 'channel'])
    })

    this.schema.createTable('member_consent_events', (table) => {
      table.increments('id')
      table.integer('company_id').unsigned().notNullable().references('companies.id')
      table.integer('member_id').unsigned().notNullable().references('members.id')
      table.string('channel', 10).notNullable()
      table.boolean('granted').notNullable()
      table.string('source', 20).notNullable()
      table.string('note', 200).nullable()
      table.integer('actor_id').unsigned().nullable().references('users.id').onDelete('SET NULL')
      table.timestamp('recorded_at').notNullable()
      table.index(['member_id', 'recorded_at'])
    })

    this.schema.createTable('do_not_contact', (table) => {
      table.increments('id')
      table.integer('company_id').unsigned().notNullable().references('companies.id')
      /** Blind index of the phone number; never the number. */
      table.string('phone_hash', 64).notNullable()
      /** all, sms, wechat, email */
      table.string('channel', 10).notNullable().defaultTo('all')
      /** staff, reply (退订 …), erasure, import, api */
      table.string('source', 20).notNullable()
      table.string('reason', 200).nullable()
      table
        .integer('created_by_id')
        .unsigned()
        .nullable()
        .references('users.id')
        .onDelete('SET NULL')
      table.timestamp('created_at').notNullable()
      table.unique(['company_id', 'phone_hash', 'channel'])
    })
  }

  async down() {
    this.schema.dropTable('do_not_contact')
    this.schema.dropTable('member_consent_events')
    this.schema.dropTable('member_consents')
  }
}
