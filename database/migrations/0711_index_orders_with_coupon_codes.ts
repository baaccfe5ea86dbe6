import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * The coupon upkeep (every quarter of an hour) reads the orders that carry
 * coupon codes, changed since its cursor, in (updated_at, id) order. No index
 * served it: each page of 1,000 orders read and sorted every order of the
 * company. At 10M orders a page took seconds, in one statement, and with
 * in-process jobs (no Redis) the web process answered nothing meanwhile.
 * The index holds only orders with codes, in the order the upkeep reads them.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.raw(
      'create index "orders_coupon_usage_index" on "orders" ("company_id", "updated_at", "id") ' +
        'where "coupon_codes" is not null'
    )
  }

  async down() {
    this.schema.raw('drop index if exists "orders_coupon_usage_index"')
  }
}
