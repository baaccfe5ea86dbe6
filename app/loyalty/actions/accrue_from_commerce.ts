import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import { PointsLedger } from '#app/loyalty/services/points_ledger'
import { EarningRules } from '#app/loyalty/services/earning_rules'
import {
  expiryFor,
  loyaltySettings,
  type LoyaltySettings,
} from '#app/loyalty/services/loyalty_settings'
import { fromDb, toDb } from '#app/loyalty/services/db_time'
import { Tiers, type Tier } from '#app/loyalty/services/tiers'

export const ACCRUAL_CURSOR = 'commerce_status_changes'

/** Pending until the order completes: the return window starts then. */
export const UNTIL_COMPLETED = DateTime.fromISO('9999-12-31T00:00:00Z', { zone: 'utc' })

const EARNING_STATUSES = new Set(['paid', 'shipped', 'completed'])

export interface AccrualCounts {
  changes: number
  earned: number
  scheduled: number
  reversed: number
  upgrades: number
  skipped: number
  cursor: number
}

/**
 * The accrual job's work. Loyalty never hooks into commerce's write paths:
 * it reads the commerce status history after a stored cursor —
 * - an order that became paid/shipped/completed earns pending points by the
 *   rule version in force when it was paid (one posting per order, key
 *   `order:<id>`);
 * - once the order is completed its pending points are scheduled to become
 *   available after the return window;
 * - a completed refund reverses the order's points proportionally (one
 *   posting per refund, key `refund:<id>`), under the company's shortfall policy.
 * Every step is idempotent, so a crash between a posting and the cursor
 * update only repeats work that changes nothing.
 */
export class AccrueFromCommerce {
  private ledger: PointsLedger
  private rules = new EarningRules()
  private settings = new Map<number, LoyaltySettings>()
  private zones = new Map<number, string>()
  private tierLists = new Map<number, Tier[]>()

  constructor(private now: () => DateTime = () => DateTime.utc()) {
    this.ledger = new PointsLedger(now)
  }

  async run(options: { batchSize?: number; maxBatches?: number } = {}): Promise<AccrualCounts> {
    const batchSize = options.batchSize ?? 500
    const counts: AccrualCounts = {
      changes: 0,
      earned: 0,
      scheduled: 0,
      reversed: 0,
      upgrades: 0,
      skipped: 0,
      cursor: await this.cursor(),
    }
    for (let batch = 0; options.maxBatches === undefined || batch < options.maxBatches; batch++) {
      const changes = await db
        .from('commerce_status_changes')
        .where('id', '>', counts.cursor)
        .orderBy('id')
        .limit(batchSize)
      if (changes.length === 0) break
      for (const change of changes) {
        await this.handle(change, counts)
        counts.changes++
      }
      counts.cursor = Number(changes[changes.length - 1].id)
      await this.saveCursor(counts.cursor)
    }
    return counts
  }

  async cursor(): Promise<number> {
    const row = await db.from('loyalty_cursors').where('name', ACCRUAL_CURSOR).first()
    return row ? Number(row.position) : 0
  }

  private async saveCursor(position: number) {
    const stamp = toDb(this.now())
    await db
      .table('loyalty_cursors')
      .knexQuery.insert({ name: ACCRUAL_CURSOR, position, updated_at: stamp })
      .onConflict('name')
      .merge({ position, updated_at: stamp })
  }

  private async handle(change: any, counts: AccrualCounts) {
    if (change.subject_type === 'order' && EARNING_STATUSES.has(change.to_status)) {
      await this.accrueOrder(Number(change.subject_id), counts)
    } else if (change.subject_type === 'order' && change.to_status === 'closed') {
      await this.reverseClosedOrder(Number(change.subject_id), counts)
    } else if (change.subject_type === 'refund' && change.to_status === 'completed') {
      await this.reverseRefund(Number(change.subject_id), counts)
    } else {
      counts.skipped++
    }
  }

  /** Earns (once) and, when completed, schedules the release. Also usable on its own. */
  async accrueOrder(orderId: number, counts?: AccrualCounts) {
    const order = await db.from('orders').where('id', orderId).first()
    const paidAt = order ? (fromDb(order.paid_at) ?? fromDb(order.completed_at)) : null
    // An order already closed by the time the job sees it never earns (nothing to take back later).
    if (
      !order ||
      order.status === 'closed' ||
      !order.member_id ||
      !paidAt ||
      Number(order.paid_fen) <= 0
    ) {
      if (counts) counts.skipped++
      return
    }
    const companyId = Number(order.company_id)
    const ref = { companyId, memberId: Number(order.member_id) }
    const settings = await this.settingsFor(companyId)
    const completedAt = fromDb(order.completed_at)
    const availableAt = completedAt
      ? completedAt.plus({ days: settings.returnWindowDays })
      : UNTIL_COMPLETED

    const existing = await db.from('loyalty_order_accruals').where('order_id', orderId).first()
    if (!existing) {
      const { earning } = await this.rules.evaluate(
        companyId,
        { paidFen: Number(order.paid_fen), shippingFen: Number(order.shipping_fen), paidAt },
        await this.earnedOnPaidDay(companyId, ref.memberId, orderId, paidAt)
      )
      let postingId: number | null = null
      if (earning.points > 0) {
        const posting = await this.ledger.earn(ref, {
          points: earning.points,
          sourceType: 'order',
          sourceId: orderId,
          idempotencyKey: `order:${orderId}`,
          availableAt,
          expiresAt: expiryFor(settings, this.now(), await this.zoneFor(companyId)),
          reason: earning.ruleVersion ? `rule:v${earning.ruleVersion}` : null,
        })
        postingId = posting.id
        if (posting.created && counts) counts.earned++
      }
      await db
        .table('loyalty_order_accruals')
        .knexQuery.insert({
          company_id: companyId,
          order_id: orderId,
          member_id: ref.memberId,
          rule_id: earning.ruleId,
          promotion_id: earning.promotionId,
          eligible_fen: earning.eligibleFen,
          points: earning.points,
          posting_id: postingId,
          created_at: toDb(this.now()),
        })
        .onConflict('order_id')
        .ignore()
    }
    await this.evaluateTier(companyId, ref.memberId, counts)
    if (completedAt) {
      await this.ledger.schedulePendingRelease(ref, {
        sourceType: 'order',
        sourceId: orderId,
        availableAt,
      })
      if (counts) counts.scheduled++
    }
  }

  private async reverseRefund(refundId: number, counts: AccrualCounts) {
    const refund = await db.from('refunds').where('id', refundId).first()
    const order = refund ? await db.from('orders').where('id', refund.order_id).first() : null
    if (
      !refund ||
      !order?.member_id ||
      Number(refund.amount_fen) <= 0 ||
      Number(order.paid_fen) <= 0
    ) {
      counts.skipped++
      return
    }
    // The earning must exist before its reversal, whatever order the rows arrived in.
    await this.accrueOrder(Number(order.id))
    const settings = await this.settingsFor(Number(order.company_id))
    const posting = await this.ledger.reverseForRefund(
      { companyId: Number(order.company_id), memberId: Number(order.member_id) },
      {
        orderId: Number(order.id),
        refundId,
        refundedFen: Number(refund.amount_fen),
        orderPaidFen: Number(order.paid_fen),
        policy: settings.shortfallPolicy,
      }
    )
    if (posting?.created) counts.reversed++
    await this.evaluateTier(Number(order.company_id), Number(order.member_id), counts)
  }

  /**
   * An order closed after it earned (cancelled by the shop or the buyer):
   * everything it earned is taken back, pending points first — one posting,
   * keyed by the order, under the shortfall policy like a refund.
   */
  private async reverseClosedOrder(orderId: number, counts: AccrualCounts) {
    const accrual = await db.from('loyalty_order_accruals').where('order_id', orderId).first()
    if (!accrual || Number(accrual.points) <= 0) {
      counts.skipped++
      return
    }
    const companyId = Number(accrual.company_id)
    const memberId = Number(accrual.member_id)
    const settings = await this.settingsFor(companyId)
    const posting = await this.ledger.reverseForRefund(
      { companyId, memberId },
      {
        orderId,
        refundId: `order-closed-${orderId}`,
        // The whole share: the order's paid amount may already read 0 once closed.
        refundedFen: 1,
        orderPaidFen: 1,
        policy: settings.shortfallPolicy,
      }
    )
    if (posting?.created) counts.reversed++
    await this.evaluateTier(companyId, memberId, counts)
  }

  /** Upgrades at once on the qualifying order; a refund only starts the grace period. */
  private async evaluateTier(companyId: number, memberId: number, counts?: AccrualCounts) {
    if (!this.tierLists.has(companyId)) {
      this.tierLists.set(companyId, await new Tiers(this.now).list(companyId))
    }
    const tiers = this.tierLists.get(companyId)!
    if (tiers.length === 0) return
    const settings = await this.settingsFor(companyId)
    const change = await new Tiers(this.now).evaluate(companyId, memberId, 'event', {
      tiers,
      graceDays: settings.tierGraceDays,
    })
    if (change === 'upgrade' && counts) counts.upgrades++
  }

  /** Points the member earned from other orders paid the same day (company zone), for the daily cap. */
  private async earnedOnPaidDay(
    companyId: number,
    memberId: number,
    orderId: number,
    paidAt: DateTime
  ) {
    const day = paidAt.setZone(await this.zoneFor(companyId)).startOf('day')
    const [row] = await db
      .from('loyalty_order_accruals')
      .join('orders', 'orders.id', 'loyalty_order_accruals.order_id')
      .where('loyalty_order_accruals.member_id', memberId)
      .whereNot('loyalty_order_accruals.order_id', orderId)
      .where('orders.paid_at', '>=', toDb(day.toUTC()))
      .where('orders.paid_at', '<', toDb(day.plus({ days: 1 }).toUTC()))
      .sum('loyalty_order_accruals.points as n')
    return Number(row.n ?? 0)
  }

  private async settingsFor(companyId: number) {
    if (!this.settings.has(companyId))
      this.settings.set(companyId, await loyaltySettings(companyId))
    return this.settings.get(companyId)!
  }

  private async zoneFor(companyId: number) {
    if (!this.zones.has(companyId)) {
      const row = await db.from('companies').where('id', companyId).select('timezone').first()
      this.zones.set(companyId, row?.timezone || 'Asia/Shanghai')
    }
    return this.zones.get(companyId)!
  }
}
