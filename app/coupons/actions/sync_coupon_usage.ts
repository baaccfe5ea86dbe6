import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import { PURCHASE_STATUSES } from '#app/commerce/actions/member_stats'
import { normaliseCouponCode } from '#app/coupons/actions/coupon_rules'
import { affectedRows, fromDbTime, toDbTime } from '#app/shared/kernel/db_values'

const BATCH = 1000
const OVERLAP = { minutes: 10 }
const CODES_PER_QUERY = 500

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
    let after: PagePosition = {
      at: cursor.order_updated_at
        ? toDbTime(fromDbTime(cursor.order_updated_at)!.minus(OVERLAP), client)
        : null,
      id: 0,
    }
    for (;;) {
      const orders = await ordersWithCodesAfter(companyId, after)
      if (!orders.length) break

      await db.transaction(async (trx) => {
        const codesOf = new Map<number, string[]>(
          orders.map((order) => [
            order.id,
            (JSON.parse(order.coupon_codes) as string[]).map(normaliseCouponCode),
          ])
        )
        const coupons = await couponsByCode(trx, companyId, [...codesOf.values()].flat())
        const now = toDbTime(DateTime.utc(), client)

        for (const order of orders) {
          counts.orders++
          const codes = codesOf.get(order.id)!
          const found = [...new Set(codes)].flatMap((code) => coupons.get(code) ?? [])
          counts.unknown += codes.length - found.length
          const purchase = PURCHASE_STATUSES.includes(order.status)

          for (const coupon of found) {
            const mine =
              coupon.used_order_id === order.id ||
              (coupon.used_shop_id === order.shop_id &&
                coupon.used_order_no === order.platform_order_no)
            if (purchase && coupon.status === 'issued') {
              const use = {
                status: 'used',
                used_at: order.paid_at ?? order.ordered_at,
                used_shop_id: order.shop_id,
                used_order_no: order.platform_order_no,
                used_order_id: order.id,
              }
              await trx
                .from('coupons')
                .where('id', coupon.id)
                .where('status', 'issued')
                .update({ ...use, updated_at: now })
              // A later order of the same page sees the coupon as this one left it.
              Object.assign(coupon, use)
              counts.used++
            } else if (purchase && mine && coupon.used_order_id === null) {
              // Marked used by a till through the API; now the order itself has arrived.
              await trx
                .from('coupons')
                .where('id', coupon.id)
                .update({ used_order_id: order.id, updated_at: now })
              coupon.used_order_id = order.id
            } else if (order.status === 'closed' && mine && coupon.status === 'used') {
              const over = fromDbTime(coupon.valid_until)! < DateTime.utc()
              const release = {
                status: over ? 'expired' : 'issued',
                used_at: null,
                used_shop_id: null,
                used_order_no: null,
                used_order_id: null,
              }
              await trx
                .from('coupons')
                .where('id', coupon.id)
                .update({ ...release, discount_fen: null, updated_at: now })
              Object.assign(coupon, release)
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

/**
 * Pages of the company's orders that carry coupon codes, in (updated_at, id)
 * order, each an index range of orders_coupon_usage_index. After a position
 * the page is read in two steps, the rest of the position's instant by id,
 * then later instants: SQLite seeks a row value `(updated_at, id) > (?, ?)`
 * by its first column only, so orders sharing one updated_at (an import
 * batch, a seeded history) were read again from the first for every page,
 * and an OR of the two conditions read and sorted every order with codes.
 */
export const couponOrderPages = {
  first: (companyId: number, limit = BATCH) =>
    withCodes(companyId).orderBy('updated_at').orderBy('id').limit(limit),
  sameInstant: (companyId: number, after: PagePosition, limit = BATCH) =>
    withCodes(companyId)
      .where('updated_at', after.at!)
      .where('id', '>', after.id)
      .orderBy('id')
      .limit(limit),
  later: (companyId: number, after: PagePosition, limit = BATCH) =>
    withCodes(companyId)
      .where('updated_at', '>', after.at!)
      .orderBy('updated_at')
      .orderBy('id')
      .limit(limit),
}

interface PagePosition {
  at: string | Date | null
  id: number
}

async function ordersWithCodesAfter(companyId: number, after: PagePosition) {
  if (after.at === null) return couponOrderPages.first(companyId)
  const sameInstant = await couponOrderPages.sameInstant(companyId, after)
  if (sameInstant.length === BATCH) return sameInstant
  const later = await couponOrderPages.later(companyId, after, BATCH - sameInstant.length)
  return [...sameInstant, ...later]
}

function withCodes(companyId: number) {
  return db
    .from('orders')
    .where('company_id', companyId)
    .whereNotNull('coupon_codes')
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
}

interface CouponRow {
  id: number
  code: string
  status: string
  used_order_id: number | null
  used_shop_id: number | null
  used_order_no: string | null
  valid_until: Date | string
}

/** The company's coupons carrying any of `codes`, by code (a code is unique per company). */
async function couponsByCode(
  trx: TransactionClientContract,
  companyId: number,
  codes: string[]
): Promise<Map<string, CouponRow>> {
  const byCode = new Map<string, CouponRow>()
  const distinct = [...new Set(codes)]
  for (let i = 0; i < distinct.length; i += CODES_PER_QUERY) {
    const rows: CouponRow[] = await trx
      .from('coupons')
      .where('company_id', companyId)
      .whereIn('code', distinct.slice(i, i + CODES_PER_QUERY))
      .select(
        'id',
        'code',
        'status',
        'used_order_id',
        'used_shop_id',
        'used_order_no',
        'valid_until'
      )
    for (const row of rows) byCode.set(row.code, row)
  }
  return byCode
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
