import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Plugins (连接器): each plugin's admin settings (enabled, configuration
 * with secrets encrypted), its private key–value store, and the messages
 * the core dispatcher sends and receives through channel plugins.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('plugin_settings', (table) => {
      table.increments('id')
      table.string('plugin_id', 50).notNullable().unique()
      table.boolean('enabled').notNullable().defaultTo(true)
      /** Field values; secret fields as { encrypted } (APP_KEY). */
      table.text('config').nullable()
      table
        .integer('updated_by_id')
        .unsigned()
        .nullable()
        .references('users.id')
        .onDelete('SET NULL')
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()
    })

    this.schema.createTable('plugin_kv', (table) => {
      table.increments('id')
      table.string('plugin_id', 50).notNullable()
      table.string('key', 200).notNullable()
      table.text('value').notNullable()
      table.timestamp('updated_at').notNullable()
      table.unique(['plugin_id', 'key'])
    })

    this.schema.createTable('messages', (table) => {
      table.bigIncrements('id')
      table.integer('company_id').unsigned().notNullable().references('companies.id')
      /** out (we send) or in (a reply) */
      table.string('direction', 3).notNullable()
      /** sms, wechat, email */
      table.string('channel', 10).notNullable()
      /** The channel plugin: aliyun-sms … */
      table.string('provider', 50).notNullable()
      /** otp, notification, marketing (outgoing only) */
      table.string('category', 15).nullable()
      table.integer('member_id').unsigned().nullable().references('members.id')
      table.string('phone_hash', 64).nullable()
      table.text('phone_encrypted').nullable()
      table.string('template_code', 100).nullable()
      table.text('template_params').nullable()
      table.text('body').nullable()
      /** Outgoing: same key, same message; never sent twice. */
      table.string('idempotency_key', 191).nullable().unique()
      /** pending, sending, sent, delivered, failed, suppressed, received */
      table.string('status', 12).notNullable()
      table.string('provider_message_id', 100).nullable()
      /** Normalised (auth, rate_limited …) and the provider's own code. */
      table.string('error_code', 40).nullable()
      table.string('provider_code', 100).nullable()
      table.string('error_message', 500).nullable()
      table.integer('attempts').notNullable().defaultTo(0)
      table
        .integer('requested_by_id')
        .unsigned()
        .nullable()
        .references('users.id')
        .onDelete('SET NULL')
      table.timestamp('sent_at').nullable()
      table.timestamp('receipt_at').nullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()
      table.index(['provider', 'provider_message_id'])
      table.index(['company_id', 'created_at'])
      table.index(['member_id', 'created_at'])
    })
  }

  async down() {
    this.schema.dropTable('messages')
    this.schema.dropTable('plugin_kv')
    this.schema.dropTable('plugin_settings')
  }
}
