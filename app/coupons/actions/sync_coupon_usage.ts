import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { PURCHASE_STATUSES } from '#app/commerce/actions/member_stats'
import { normaliseCouponCode } from '#app/coupons/actions/coupon_rules'
import { affectedRows, fromDbTime, toDbTime } from '#app/shared/kernel/db_values'

const BATCH = 1000
const OVERLAP = { minutes: 10 }

export interface UsageCounts {
  orders: number
  used: number
  released: number
  /** Codes on orders that match no coupon of ours (platform coupons, typos). */
  unknown: number
}

/**
 * Marks coupons used by the orders that carry their codes — imported files,
 * ERP syncs and API upserts alike — by reading orders changed since the
 * last run (keyset on updated_at, id, re-reading a short overlap). An order that is closed afterwards
 * gives its coupon back (or lets it expire if its time is over). Reading
 * from a cursor keeps the order write paths free of coupon logic, and a
 * rerun changes nothing.
 */
export class SyncCouponUsage {
  async handle(companyId: number): Promise<UsageCounts> {
    const counts: UsageCounts = { orders: 0, used: 0, released: 0, unknown: 0 }
    const client = db.connection()
    const cursor = (await db
      .from('coupon_usage_cursors')
      .where('company_id', companyId)
      .first()) ?? { order_updated_at: null, order_id: 0 }

    // Re-read an overlap before the cursor: an order written inside a transaction that
    // committed after the last run may carry an earlier updated_at (imports commit per
    // batch). Handling an order twice changes nothing, so the overlap only costs reads.
    let after = {
      at: cursor.order_updated_at
        ? toDbTime(fromDbTime(cursor.order_updated_at)!.minus(OVERLAP), client)
        : null,
      id: 0,
    }
    for (;;) {
      const query = db
        .from('orders')
        .where('company_id', companyId)
        .whereNotNull('coupon_codes')
        .orderBy('updated_at')
        .orderBy('id')
        .limit(BATCH)
        .select(
          'id',
          'shop_id',
          'platform_order_no',
          'status',
          'coupon_codes',
          'paid_at',
          'ordered_at',
          'updated_at'
        )
      if (after.at !== null) {
        query.where((q) =>
          q
            .where('updated_at', '>', after.at as string)
            .orWhere((same) =>
              same.where('updated_at', after.at as string).where('id', '>', after.id)
            )
        )
      }
      const orders = await query
      if (!orders.length) break

      await db.transaction(async (trx) => {
        for (const order of orders) {
          counts.orders++
          const codes = (JSON.parse(order.coupon_codes) as string[]).map(normaliseCouponCode)
          const coupons = await trx
            .from('coupons')
            .where('company_id', companyId)
            .whereIn('code', codes)
            .select(
              'id',
              'code',
              'status',
              'used_order_id',
              'used_shop_id',
              'used_order_no',
              'valid_until'
            )
          counts.unknown += codes.length - coupons.length
          const purchase = PURCHASE_STATUSES.includes(order.status)
          const now = toDbTime(DateTime.utc(), client)

          for (const coupon of coupons) {
            const mine =
              coupon.used_order_id === order.id ||
              (coupon.used_shop_id === order.shop_id &&
                coupon.used_order_no === order.platform_order_no)
            if (purchase && coupon.status === 'issued') {
              await trx
                .from('coupons')
                .where('id', coupon.id)
                .where('status', 'issued')
                .update({
                  status: 'used',
                  used_at: order.paid_at ?? order.ordered_at,
                  used_shop_id: order.shop_id,
                  used_order_no: order.platform_order_no,
                  used_order_id: order.id,
                  updated_at: now,
                })
              counts.used++
            } else if (purchase && mine && coupon.used_order_id === null) {
              // Marked used by a till through the API; now the order itself has arrived.
              await trx
                .from('coupons')
                .where('id', coupon.id)
                .update({ used_order_id: order.id, updated_at: now })
            } else if (order.status === 'closed' && mine && coupon.status === 'used') {
              const over = fromDbTime(coupon.valid_until)! < DateTime.utc()
              await trx
                .from('coupons')
                .where('id', coupon.id)
                .update({
                  status: over ? 'expired' : 'issued',
                  used_at: null,
                  used_shop_id: null,
                  used_order_no: null,
                  used_order_id: null,
                  discount_fen: null,
                  updated_at: now,
                })
              counts.released++
            }
          }
        }
        const last = orders[orders.length - 1]
        after = { at: last.updated_at, id: last.id }
        const position = { order_updated_at: last.updated_at, order_id: last.id }
        const updated = await trx
          .from('coupon_usage_cursors')
          .where('company_id', companyId)
          .update(position)
        if (!affectedRows(updated)) {
          await trx
            .insertQuery()
            .table('coupon_usage_cursors')
            .insert({ company_id: companyId, ...position })
        }
      })
      if (orders.length < BATCH) break
    }
    return counts
  }
}

/** 过期: issued coupons whose time is over. */
export async function expireCoupons(companyId: number, now = DateTime.utc()) {
  const client = db.connection()
  const result = await db
    .from('coupons')
    .where('company_id', companyId)
    .where('status', 'issued')
    .where('valid_until', '<', toDbTime(now, client)!)
    .update({ status: 'expired', updated_at: toDbTime(now, client) })
  return affectedRows(result)
}
