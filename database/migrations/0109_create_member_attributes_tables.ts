import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * 自定义属性: fields admins add to the member profile (text, number, date,
 * enum, boolean), one value row per member and attribute, typed columns so
 * list filters compare numbers as numbers and dates as dates.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('member_attribute_definitions', (table) => {
      table.increments('id')
      table.integer('company_id').unsigned().notNullable().references('companies.id')
      table.string('label', 60).notNullable()
      /** text, number, date, enum, boolean */
      table.string('type', 20).notNullable()
      /** JSON array of the allowed values of an enum. */
      table.text('options').nullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()
      table.unique(['company_id', 'label'])
    })
    this.schema.createTable('member_attribute_values', (table) => {
      table.integer('member_id').unsigned().notNullable().references('members.id')
      table
        .integer('attribute_id')
        .unsigned()
        .notNullable()
        .references('member_attribute_definitions.id')
        .onDelete('CASCADE')
      /** text and enum values */
      table.string('value_text', 500).nullable()
      /** numbers; booleans as 0/1 */
      table.double('value_number').nullable()
      table.date('value_date').nullable()
      table.primary(['member_id', 'attribute_id'])
      table.index(['attribute_id', 'value_text'])
      table.index(['attribute_id', 'value_number'])
      table.index(['attribute_id', 'value_date'])
    })
  }

  async down() {
    this.schema.dropTable('member_attribute_values')
    this.schema.dropTable('member_attribute_definitions')
  }
}
