import { DateTime } from 'luxon'
import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import { toDbTime } from '#app/shared/kernel/db_values'

/** Order statuses that count as a purchase (pending and closed do not). */
export const PURCHASE_STATUSES = ['paid', 'shipped', 'completed']

const STATUSES = PURCHASE_STATUSES.map((status) => `'${status}'`).join(', ')

/**
 * The categories members bought, from their orders. CROSS JOIN fixes the join
 * order on SQLite (from the orders, by member, to their lines, SKUs and
 * products), whatever the statistics say: with those of a small catalogue
 * (16 products, 16 lines per SKU) read before a large import, SQLite started
 * from the products and read every order line for each batch of members
 * (465 ms per 500 members at 100k orders, growing with the table).
 * PostgreSQL plans these joins freely as before.
 */
export const BOUGHT_CATEGORIES = `select distinct orders.company_id, products.category, orders.member_id
  from orders
  cross join order_items
  cross join skus
  cross join products
  where order_items.order_id = orders.id
    and skus.id = order_items.sku_id
    and products.id = skus.product_id
    and products.category is not null
    and orders.status in (${PURCHASE_STATUSES.map((status) => `'${status}'`).join(', ')})`

/**
 * Keeps the order figures on members (count, spend net of completed
 * refunds, first and last order, the purchase before the last) and the categories they bought
 * (member_categories) in step with their orders, so the member list can
 * filter on them without joining millions of orders.
 */
export class MemberStats {
  /**
   * `categories: false` leaves member_categories alone, for changes that
   * cannot alter what a member bought (refunds: an order's status and lines
   * stay as they are).
   */
  static async recompute(
    memberIds: number[],
    client: QueryClientContract,
    options: { categories?: boolean } = {}
  ) {
    const unique = [...new Set(memberIds)]
    for (let i = 0; i < unique.length; i += 500) {
      const chunk = unique.slice(i, i + 500)
      // One statement per chunk, one pass over each member's orders (a row-value
      // sub-select: SQLite ≥ 3.15, PostgreSQL ≥ 9.5), not one statement per member.
      // Refunds reached through the member's orders (member index, then refunds by order):
      // as a join, a refunds table the planner believes empty (stats from before a big
      // refund import) was scanned whole for every member — quadratic in the import.
      const refunded = `coalesce((select sum((select sum(refunds.amount_fen) from refunds
            where refunds.order_id = refunded.id and refunds.status = 'completed'))
          from orders refunded where refunded.member_id = members.id), 0)`
      const greatest = client.dialect.name === 'postgres' ? 'greatest' : 'max'
      await client.rawQuery(
        `update members set (order_count, spent_fen, first_order_at, last_order_at) = (
           select count(*),
                  ${greatest}(coalesce(sum(orders.paid_fen), 0) - ${refunded}, 0),
                  min(orders.ordered_at),
                  max(orders.ordered_at)
             from orders
            where orders.member_id = members.id and orders.status in (${STATUSES}))
         where members.id in (${chunk.map(() => '?').join(',')})`,
        chunk
      )
      // The purchase before the last one, which the update above cannot see (its
      // SET reads the old last_order_at); the lifecycle compares it with the last.
      await client.rawQuery(
        `update members set previous_order_at = (
           select max(orders.ordered_at) from orders
            where orders.member_id = members.id and orders.status in (${STATUSES})
              and orders.ordered_at < members.last_order_at)
         where members.id in (${chunk.map(() => '?').join(',')})`,
        chunk
      )
      // Their RFM scores and lifecycle are now stale: the incremental recompute
      // (members.rfm_incremental) picks them up.
      await MemberStats.markRfmDirty(chunk, client)
      if (options.categories === false) continue
      await client.from('member_categories').whereIn('member_id', chunk).delete()
      await client.rawQuery(
        `insert into member_categories (company_id, category, member_id)
         ${BOUGHT_CATEGORIES} and orders.member_id in (${chunk.map(() => '?').join(',')})`,
        chunk
      )
    }
  }

  /**
   * Queues members for the incremental RFM recompute (member_rfm_dirty): one
   * statement per 500 ids; a member already queued gets the newer mark.
   */
  static async markRfmDirty(memberIds: number[], client: QueryClientContract) {
    const unique = [...new Set(memberIds)]
    const markedAt = toDbTime(DateTime.utc(), client)!
    for (let i = 0; i < unique.length; i += 500) {
      const chunk = unique.slice(i, i + 500)
      await client.rawQuery(
        `insert into member_rfm_dirty (member_id, company_id, marked_at)
         select id, company_id, ? from members where id in (${chunk.map(() => '?').join(',')})
         on conflict (member_id) do update set marked_at = excluded.marked_at`,
        [markedAt, ...chunk]
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
}
