import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Which product categories each member has bought (paid, shipped or
 * completed orders), kept by MemberStats like the order figures on members.
 * "Bought category X" then reads one index range instead of joining orders,
 * items, SKUs and products at every page load (seconds at 10M orders).
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('member_categories', (table) => {
      table.integer('company_id').unsigned().notNullable().references('companies.id')
      table.string('category', 100).notNullable()
      table
        .integer('member_id')
        .unsigned()
        .notNullable()
        .references('members.id')
        .onDelete('CASCADE')
      table.primary(['company_id', 'category', 'member_id'])
      table.index(['member_id'])
    })
    // Existing installs: fill it from the orders already there.
    this.defer(async (db) => {
      await db.rawQuery(
        `insert into member_categories (company_id, category, member_id)
         select distinct orders.company_id, products.category, orders.member_id
         from orders
         join order_items on order_items.order_id = orders.id
         join skus on skus.id = order_items.sku_id
         join products on products.id = skus.product_id
         where orders.member_id is not null
           and products.category is not null
           and orders.status in ('paid', 'shipped', 'completed')`
      )
    })
  }

  async down() {
    this.schema.dropTable('member_categories')
  }
}
