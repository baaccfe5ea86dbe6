import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * OneID: every identifier a platform or store knows a customer by, each
 * pointing at one member; the merges admins made (with what moved, so they
 * can be undone); manual tags in groups.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('member_identities', (table) => {
      table.increments('id')
      table.integer('company_id').unsigned().notNullable().references('companies.id')
      table.integer('member_id').unsigned().notNullable().references('members.id')
      /** phone, taobao_nick, taobao_ouid, wechat_openid, wechat_unionid, jd_pin, douyin_openid, store_card, erp_customer_id */
      table.string('type', 20).notNullable()
      /** For phones the blind index, never the number. */
      table.string('value', 128).notNullable()
      /** Where it was first seen: import, api, manual, order. */
      table.string('source', 20).nullable()
      /** Figures the platform reports for this account (level, spend, points …), JSON. */
      table.text('platform_data').nullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()
      table.unique(['company_id', 'type', 'value'])
      table.index(['member_id'])
    })

    this.schema.createTable('member_merges', (table) => {
      table.increments('id')
      table.integer('company_id').unsigned().notNullable().references('companies.id')
      table.integer('source_member_id').unsigned().notNullable().references('members.id')
      table.integer('target_member_id').unsigned().notNullable().references('members.id')
      /** JSON: ids of the orders, identities and tags that moved, and the phone if it moved. */
      table.text('moved').notNullable()
      table.integer('merged_by_id').unsigned().nullable().references('users.id')
      table.timestamp('merged_at').notNullable()
      table.integer('undone_by_id').unsigned().nullable().references('users.id')
      table.timestamp('undone_at').nullable()
      table.index(['source_member_id'])
      table.index(['target_member_id'])
    })

    this.schema.createTable('member_tag_groups', (table) => {
      table.increments('id')
      table.integer('company_id').unsigned().notNullable().references('companies.id')
      table.string('name', 60).notNullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()
      table.unique(['company_id', 'name'])
    })

    this.schema.createTable('member_tags', (table) => {
      table.increments('id')
      table.integer('company_id').unsigned().notNullable().references('companies.id')
      table.integer('group_id').unsigned().nullable().references('member_tag_groups.id')
      table.string('name', 60).notNullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()
      table.unique(['company_id', 'name'])
    })

    this.schema.createTable('member_tag_assignments', (table) => {
      table.integer('member_id').unsigned().notNullable().references('members.id')
      table
        .integer('tag_id')
        .unsigned()
        .notNullable()
        .references('member_tags.id')
        .onDelete('CASCADE')
      table.timestamp('created_at').notNullable()
      table.primary(['member_id', 'tag_id'])
      table.index(['tag_id'])
    })
  }

  async down() {
    this.schema.dropTable('member_tag_assignments')
    this.schema.dropTable('member_tags')
    this.schema.dropTable('member_tag_groups')
    this.schema.dropTable('member_merges')
    this.schema.dropTable('member_identities')
  }
}
