import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Coupons (优惠券): templates with their rules, batches issued to a member
 * filter, and one row per coupon with its unique code. A coupon is used by
 * an order that carries its code (imported or upserted through the API) or
 * by a shop system through /api/v1.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('coupon_templates', (table) => {
      table.increments('id')
      table.integer('company_id').unsigned().notNullable().references('companies.id')
      table.string('name', 80).notNullable()
      /** threshold (满减), no_threshold (无门槛), discount (折扣), free_shipping (包邮). */
      table.string('kind', 20).notNullable()
      table.bigInteger('min_spend_fen').notNullable().defaultTo(0)
      table.bigInteger('amount_fen').nullable()
      /** Discount coupons: the share paid, in percent (85 = 8.5折). */
      table.integer('pay_percent').nullable()
      table.bigInteger('max_discount_fen').nullable()
      table.integer('shop_id').unsigned().nullable().references('shops.id')
      /** Either fixed dates … */
      table.timestamp('valid_from').nullable()
      table.timestamp('valid_until').nullable()
      /** … or N days from issue. */
      table.integer('valid_days').nullable()
      /** 发行量: at most this many coupons of the template, all batches together. */
      table.integer('total_limit').nullable()
      table.timestamp('archived_at').nullable()
      table.integer('created_by_id').unsigned().nullable().references('users.id')
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()
      table.index(['company_id', 'archived_at'])
    })

    this.schema.createTable('coupon_batches', (table) => {
      table.increments('id')
      table.integer('company_id').unsigned().notNullable().references('companies.id')
      table.integer('template_id').unsigned().notNullable().references('coupon_templates.id')
      /** The member list's filter, as staff chose it. */
      table.text('filters').notNullable()
      /** The issue form's one-time key: submitting it twice makes one batch. */
      table.string('request_key', 64).nullable().unique()
      table.integer('job_run_id').unsigned().nullable().references('job_runs.id')
      table.integer('requested_by_id').unsigned().nullable().references('users.id')
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()
      table.index(['template_id'])
    })

    this.schema.createTable('coupons', (table) => {
      table.increments('id')
      table.integer('company_id').unsigned().notNullable().references('companies.id')
      table.integer('template_id').unsigned().notNullable().references('coupon_templates.id')
      table.integer('batch_id').unsigned().nullable().references('coupon_batches.id')
      table.integer('member_id').unsigned().nullable().references('members.id')
      table.string('code', 20).notNullable()
      /** issued, used, expired. */
      table.string('status', 12).notNullable()
      table.timestamp('issued_at').notNullable()
      table.timestamp('valid_from').notNullable()
      table.timestamp('valid_until').notNullable()
      table.timestamp('used_at').nullable()
      table.integer('used_shop_id').unsigned().nullable().references('shops.id')
      table.string('used_order_no', 64).nullable()
      table.integer('used_order_id').unsigned().nullable().references('orders.id')
      table.bigInteger('discount_fen').nullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()
      table.unique(['company_id', 'code'])
      /** A batch gives each member one coupon, however often its job runs. */
      table.unique(['batch_id', 'member_id'])
      table.index(['template_id', 'status'])
      table.index(['member_id'])
      table.index(['status', 'valid_until'])
    })

    /** Where the usage sync stopped reading orders (keyset on updated_at, id). */
    this.schema.createTable('coupon_usage_cursors', (table) => {
      table.integer('company_id').unsigned().primary().references('companies.id')
      table.timestamp('order_updated_at').nullable()
      table.integer('order_id').notNullable().defaultTo(0)
    })
  }

  async down() {
    this.schema.dropTable('coupon_usage_cursors')
    this.schema.dropTable('coupons')
    this.schema.dropTable('coupon_batches')
    this.schema.dropTable('coupon_templates')
  }
}
