import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Staff accounts. The phone number is stored encrypted, with a keyed hash
 * (blind index) beside it so that login by phone can look it up.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('users', (table) => {
      table.increments('id')
      table.string('full_name', 80).notNullable()
      table.string('email', 254).notNullable().unique()
      table.text('phone_encrypted').nullable()
      table.string('phone_hash', 64).nullable().unique()
      table.string('password').notNullable()
      table.string('role', 20).notNullable()
      table.string('locale', 10).notNullable().defaultTo('zh-CN')
      table.string('timezone', 64).notNullable().defaultTo('Asia/Shanghai')
      table.timestamp('disabled_at').nullable()
      table.timestamp('last_login_at').nullable()
      table.timestamp('password_changed_at').nullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()
      table.index(['role'])
    })
  }

  async down() {
    this.schema.dropTable('users')
  }
}
