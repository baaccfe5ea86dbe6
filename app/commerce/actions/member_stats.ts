import { DateTime } from 'luxon'
import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import { sqlTime } from '#app/commerce/actions/sql_time'

/** Order statuses that count as a purchase (pending and closed do not). */
export const PURCHASE_STATUSES = ['paid', 'shipped', 'completed']

const BOUGHT_CATEGORIES = `select distinct orders.company_id, products.category, orders.member_id
  from orders
  join order_items on order_items.order_id = orders.id
  join skus on skus.id = order_items.sku_id
  join products on products.id = skus.product_id
  where products.category is not null
    and orders.status in (${PURCHASE_STATUSES.map((status) => `'${status}'`).join(', ')})`

/**
 * Keeps the order figures on members (count, spend net of completed
 * refunds, first and last order) and the categories they bought
 * (member_categories) in step with their orders, so the member list can
 * filter on them without joining millions of orders.
 */
export class MemberStats {
  static async recompute(memberIds: number[], client: QueryClientContract) {
    const unique = [...new Set(memberIds)]
    for (let i = 0; i < unique.length; i += 500) {
      const chunk = unique.slice(i, i + 500)
      const orders = await client
        .from('orders')
        .whereIn('member_id', chunk)
        .whereIn('status', PURCHASE_STATUSES)
        .groupBy('member_id')
        .select('member_id')
        .count('* as order_count')
        .sum('paid_fen as paid')
        .min('ordered_at as first_at')
        .max('ordered_at as last_at')
      const refunds = await client
        .from('refunds')
        .join('orders', 'orders.id', 'refunds.order_id')
        .whereIn('orders.member_id', chunk)
        .where('refunds.status', 'completed')
        .groupBy('orders.member_id')
        .select('orders.member_id')
        .sum('refunds.amount_fen as refunded')
      const refunded = new Map<number, number>(
        refunds.map((r: any) => [r.member_id, Number(r.refunded)])
      )
      const figures = new Map<number, any>(orders.map((r: any) => [r.member_id, r]))
      for (const memberId of chunk) {
        const row = figures.get(memberId)
        await client
          .query()
          .from('members')
          .where('id', memberId)
          .update({
            order_count: row ? Number(row.order_count) : 0,
            spent_fen: row ? Math.max(0, Number(row.paid) - (refunded.get(memberId) ?? 0)) : 0,
            first_order_at: row ? MemberStats.time(client, row.first_at) : null,
            last_order_at: row ? MemberStats.time(client, row.last_at) : null,
          })
      }
      await client.from('member_categories').whereIn('member_id', chunk).delete()
      await client.rawQuery(
        `insert into member_categories (company_id, category, member_id)
         ${BOUGHT_CATEGORIES} and orders.member_id in (${chunk.map(() => '?').join(',')})`,
        chunk
      )
    }
  }

  /** Rebuilds member_categories for a whole company (bulk loads such as the seeder). */
  static async rebuildCategories(companyId: number, client: QueryClientContract) {
    await client.from('member_categories').where('company_id', companyId).delete()
    await client.rawQuery(
      `insert into member_categories (company_id, category, member_id)
       ${BOUGHT_CATEGORIES} and orders.company_id = ?`,
      [companyId]
    )
  }

  private static time(client: QueryClientContract, value: unknown) {
    if (value == null) return null
    if (value instanceof Date) return sqlTime(client, DateTime.fromJSDate(value))
    return value as string
  }
}
