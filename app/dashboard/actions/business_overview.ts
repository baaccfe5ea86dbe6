import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import { PURCHASE_STATUSES } from '#app/commerce/actions/member_stats'
import { toDbTime } from '#app/shared/kernel/db_values'

export const OVERVIEW_PERIODS = [7, 30, 90] as const
export type OverviewPeriod = (typeof OVERVIEW_PERIODS)[number]

export interface PeriodFigures {
  /** Paid (成交) amount of purchases in the period, fen. */
  gmvFen: number
  /** Refunds completed in the period, fen. */
  refundedFen: number
  orders: number
  buyers: number
  /** Average order value, fen (0 without orders). */
  aovFen: number
  /** Registered in the period (or first seen, without a registration date). */
  newMembers: number
  /** Buyers with two or more purchases in the period, per mille of buyers (integer). */
  repurchasePermille: number
}

export interface BusinessOverviewResult {
  days: OverviewPeriod
  from: DateTime
  to: DateTime
  current: PeriodFigures
  previous: PeriodFigures
  /** Paid amount per local day of the current period, oldest first. */
  daily: Array<{ date: string; gmvFen: number }>
}

/**
 * The company's business figures for the last 7/30/90 days in its own
 * time zone, beside the period before: what a shop manager looks at first.
 * Purchases are orders in a paid, shipped or completed state, as in the
 * member figures; every query is a range scan on (company_id, ordered_at).
 */
export class BusinessOverview {
  async handle(input: {
    companyId: number
    zone: string
    days: OverviewPeriod
    now?: DateTime
  }): Promise<BusinessOverviewResult> {
    const client = db.connection()
    const now = (input.now ?? DateTime.utc()).setZone(input.zone)
    const from = now.startOf('day').minus({ days: input.days - 1 })
    const previousFrom = from.minus({ days: input.days })
    const [current, previous, daily] = await Promise.all([
      this.figures(client, input.companyId, from, now),
      this.figures(client, input.companyId, previousFrom, from),
      this.daily(client, input.companyId, from, now, input.zone),
    ])
    return { days: input.days, from, to: now, current, previous, daily }
  }

  private async figures(
    client: QueryClientContract,
    companyId: number,
    from: DateTime,
    to: DateTime
  ): Promise<PeriodFigures> {
    const window = [toDbTime(from, client)!, toDbTime(to, client)!]
    // One pass over the period's purchases, grouped by buyer (orders without a
    // buyer form one group): orders, amount, buyers and repeat buyers together.
    const perBuyer = this.orders(client)
      .where('company_id', companyId)
      .whereBetween('ordered_at', window as [string, string])
      .whereIn('status', PURCHASE_STATUSES)
      .groupBy('member_id')
      .select('member_id')
      .count('* as purchases')
      .sum('paid_fen as paid')
      .as('per_buyer')
    const [totals] = await client
      .from(perBuyer)
      .select(
        client.raw('coalesce(sum(purchases), 0) as orders'),
        client.raw('coalesce(sum(paid), 0) as gmv'),
        client.raw('count(member_id) as buyers'),
        client.raw(
          'coalesce(sum(case when member_id is not null and purchases >= 2 then 1 else 0 end), 0) as repeaters'
        )
      )
    const [refunds] = await client
      .from('refunds')
      .where('company_id', companyId)
      .where('status', 'completed')
      .whereBetween('completed_at', window as [string, string])
      .sum('amount_fen as refunded')
    // Registered on the platform in the period; members the platform gave no
    // date for count from when Quanzi first saw them. Two index range scans.
    const [registered] = await client
      .from('members')
      .where('company_id', companyId)
      .whereNull('merged_into_id')
      .whereBetween('registered_at', window as [string, string])
      .count('* as n')
    const [undated] = await client
      .from('members')
      .where('company_id', companyId)
      .whereNull('merged_into_id')
      .whereNull('registered_at')
      .whereBetween('created_at', window as [string, string])
      .count('* as n')

    const orders = Number(totals.orders)
    const gmvFen = Number(totals.gmv ?? 0)
    const buyers = Number(totals.buyers)
    return {
      gmvFen,
      refundedFen: Number(refunds.refunded ?? 0),
      orders,
      buyers,
      aovFen: orders ? Math.round(gmvFen / orders) : 0,
      newMembers: Number(registered.n) + Number(undated.n),
      repurchasePermille: buyers ? Math.round((Number(totals.repeaters) * 1000) / buyers) : 0,
    }
  }

  /**
   * The company's orders, to be read by a range of (company_id, ordered_at),
   * which covers every column the overview reads. On SQLite that index is
   * named: with statistics from whole indexes, SQLite preferred to walk all
   * the company's orders in buyer order through the RFM covering index, so
   * that the per-buyer GROUP BY needs no sort (1.9 s for 30 days at 10M
   * orders, against 0.25 s through the period's range). PostgreSQL plans
   * from its own statistics.
   */
  private orders(client: QueryClientContract) {
    const query = client.from('orders')
    if (client.dialect.name === 'better-sqlite3') {
      query.knexQuery.fromRaw('"orders" indexed by "orders_company_id_ordered_at_index"')
    }
    return query
  }

  /**
   * Sums per UTC hour in SQL (the same expression shape on both databases),
   * then folds hours into local days here, so days follow the company's
   * zone — daylight saving included — without zone support in SQLite.
   */
  private async daily(
    client: QueryClientContract,
    companyId: number,
    from: DateTime,
    to: DateTime,
    zone: string
  ) {
    const hour =
      client.dialect.name === 'postgres'
        ? `to_char(date_trunc('hour', ordered_at), 'YYYY-MM-DD"T"HH24')`
        : `strftime('%Y-%m-%dT%H', ordered_at)`
    const rows = await this.orders(client)
      .where('company_id', companyId)
      .whereBetween('ordered_at', [toDbTime(from, client)!, toDbTime(to, client)!])
      .whereIn('status', PURCHASE_STATUSES)
      .select(client.raw(`${hour} as hour`))
      .sum('paid_fen as gmv')
      .groupByRaw(hour)
    const byDay = new Map<string, number>()
    for (let day = from.startOf('day'); day <= to; day = day.plus({ days: 1 })) {
      byDay.set(day.toISODate()!, 0)
    }
    for (const row of rows) {
      const date = DateTime.fromISO(`${row.hour}:00`, { zone: 'utc' }).setZone(zone).toISODate()!
      if (byDay.has(date)) byDay.set(date, byDay.get(date)! + Number(row.gmv ?? 0))
    }
    return [...byDay].map(([date, gmvFen]) => ({ date, gmvFen }))
  }
}
