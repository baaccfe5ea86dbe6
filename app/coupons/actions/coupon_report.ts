import db from '@adonisjs/lucid/services/db'

export interface TemplateFigures {
  issued: number
  used: number
  expired: number
  /** Paid amount of the orders that used a coupon of the template, fen. */
  gmvFen: number
  /** What the coupons took off (known for coupons used through the API), fen. */
  discountFen: number
}

const EMPTY: TemplateFigures = { issued: 0, used: 0, expired: 0, gmvFen: 0, discountFen: 0 }

/** 券效果: issued, used and expired counts and the GMV of orders that used them, per template. */
export class CouponReport {
  async byTemplate(templateIds: number[]): Promise<Map<number, TemplateFigures>> {
    const figures = new Map<number, TemplateFigures>()
    if (!templateIds.length) return figures
    for (const id of templateIds) figures.set(id, { ...EMPTY })

    const statuses = await db
      .from('coupons')
      .whereIn('template_id', templateIds)
      .groupBy('template_id', 'status')
      .select('template_id', 'status')
      .count('* as n')
      .sum('discount_fen as discount')
    for (const row of statuses) {
      const entry = figures.get(row.template_id)!
      const n = Number(row.n)
      entry.issued += n
      if (row.status === 'used') {
        entry.used += n
        entry.discountFen += Number(row.discount ?? 0)
      }
      if (row.status === 'expired') entry.expired += n
    }

    // Each order once per template, however many of its coupons it used.
    const usedOrders = db
      .from('coupons')
      .whereIn('template_id', templateIds)
      .where('status', 'used')
      .whereNotNull('used_order_id')
      .distinct('template_id', 'used_order_id')
      .as('used')
    const gmv = await db
      .from(usedOrders)
      .join('orders', 'orders.id', 'used.used_order_id')
      .groupBy('used.template_id')
      .select('used.template_id')
      .sum('orders.paid_fen as gmv')
    for (const row of gmv) figures.get(row.template_id)!.gmvFen = Number(row.gmv ?? 0)
    return figures
  }
}
