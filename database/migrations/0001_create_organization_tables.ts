import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * The company running this install and its shops (Tmall, JD, an offline
 * store …). One install serves one company.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('companies', (table) => {
      table.increments('id')
      table.string('name', 120).notNullable()
      table.string('timezone', 64).notNullable().defaultTo('Asia/Shanghai')
      table.string('default_locale', 10).notNullable().defaultTo('zh-CN')
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()
    })

    this.schema.createTable('shops', (table) => {
      table.increments('id')
      table.integer('company_id').unsigned().notNullable().references('companies.id')
      table.string('name', 120).notNullable()
      /** tmall, taobao, jd, douyin, pdd, youzan, wechat, offline */
      table.string('platform', 20).notNullable()
      table.string('timezone', 64).notNullable().defaultTo('Asia/Shanghai')
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()
      table.unique(['company_id', 'name'])
    })
  }

  async down() {
    this.schema.dropTable('shops')
    this.schema.dropTable('companies')
  }
}
