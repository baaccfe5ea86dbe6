import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * What customers bought: products and SKUs, orders with their items, the
 * refunds against them, and every status an order or refund went through.
 * Money is integer fen. `fingerprint` is a hash of the normalised content
 * an upsert last wrote, so sending the same order again changes nothing.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('products', (table) => {
      table.increments('id')
      table.integer('company_id').unsigned().notNullable().references('companies.id')
      table.string('code', 64).notNullable()
      table.string('name', 200).notNullable()
      table.string('category', 80).nullable()
      table.bigInteger('price_fen').nullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()
      table.unique(['company_id', 'code'])
      table.index(['company_id', 'category'])
    })

    this.schema.createTable('skus', (table) => {
      table.increments('id')
      table.integer('company_id').unsigned().notNullable().references('companies.id')
      table.integer('product_id').unsigned().nullable().references('products.id')
      table.string('code', 64).notNullable()
      table.string('name', 200).notNullable()
      table.bigInteger('price_fen').nullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()
      table.unique(['company_id', 'code'])
      table.index(['product_id'])
    })

    this.schema.createTable('orders', (table) => {
      table.increments('id')
      table.integer('company_id').unsigned().notNullable().references('companies.id')
      table.integer('shop_id').unsigned().notNullable().references('shops.id')
      table.string('platform_order_no', 64).notNullable()
      table.integer('member_id').unsigned().nullable().references('members.id')
      /** pending, paid, shipped, completed, closed */
      table.string('status', 20).notNullable()
      table.timestamp('ordered_at').notNullable()
      table.timestamp('paid_at').nullable()
      table.timestamp('shipped_at').nullable()
      table.timestamp('completed_at').nullable()
      table.timestamp('closed_at').nullable()
      table.bigInteger('goods_fen').notNullable().defaultTo(0)
      table.bigInteger('discount_fen').notNullable().defaultTo(0)
      table.bigInteger('shipping_fen').notNullable().defaultTo(0)
      table.bigInteger('paid_fen').notNullable().defaultTo(0)
      /** JSON array of coupon codes used, sorted. */
      table.text('coupon_codes').nullable()
      table.string('fingerprint', 64).notNullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()
      table.unique(['shop_id', 'platform_order_no'])
      table.index(['member_id', 'ordered_at'])
      table.index(['company_id', 'ordered_at'])
    })

    this.schema.createTable('order_items', (table) => {
      table.increments('id')
      table.integer('order_id').unsigned().notNullable().references('orders.id').onDelete('CASCADE')
      table.integer('line_no').notNullable()
      table.integer('sku_id').unsigned().nullable().references('skus.id')
      table.string('sku_code', 64).nullable()
      table.string('title', 200).notNullable()
      table.integer('quantity').notNullable()
      table.bigInteger('price_fen').notNullable()
      /** This line's share of what the buyer paid, after discounts. */
      table.bigInteger('paid_fen').notNullable()
      table.unique(['order_id', 'line_no'])
      table.index(['sku_id'])
    })

    this.schema.createTable('refunds', (table) => {
      table.increments('id')
      table.integer('company_id').unsigned().notNullable().references('companies.id')
      table.integer('shop_id').unsigned().notNullable().references('shops.id')
      table.string('platform_refund_no', 64).notNullable()
      table.integer('order_id').unsigned().notNullable().references('orders.id')
      /** requested, approved, rejected, completed, cancelled */
      table.string('status', 20).notNullable()
      table.bigInteger('amount_fen').notNullable()
      table.timestamp('requested_at').notNullable()
      table.timestamp('completed_at').nullable()
      table.string('reason', 200).nullable()
      table.string('fingerprint', 64).notNullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()
      table.unique(['shop_id', 'platform_refund_no'])
      table.index(['order_id'])
    })

    this.schema.createTable('refund_items', (table) => {
      table.increments('id')
      table
        .integer('refund_id')
        .unsigned()
        .notNullable()
        .references('refunds.id')
        .onDelete('CASCADE')
      table.integer('line_no').notNullable()
      table.integer('order_item_id').unsigned().nullable().references('order_items.id')
      table.string('sku_code', 64).nullable()
      table.integer('quantity').notNullable()
      table.bigInteger('amount_fen').notNullable()
      table.unique(['refund_id', 'line_no'])
    })

    /** Status history of orders and refunds (subject_type order|refund). */
    this.schema.createTable('commerce_status_changes', (table) => {
      table.increments('id')
      table.string('subject_type', 10).notNullable()
      table.integer('subject_id').unsigned().notNullable()
      table.string('from_status', 20).nullable()
      table.string('to_status', 20).notNullable()
      table.timestamp('changed_at').notNullable()
      /** import, api, manual, seed */
      table.string('source', 20).notNullable()
      table.timestamp('created_at').notNullable()
      table.index(['subject_type', 'subject_id'])
    })
  }

  async down() {
    this.schema.dropTable('commerce_status_changes')
    this.schema.dropTable('refund_items')
    this.schema.dropTable('refunds')
    this.schema.dropTable('order_items')
    this.schema.dropTable('orders')
    this.schema.dropTable('skus')
    this.schema.dropTable('products')
  }
}
