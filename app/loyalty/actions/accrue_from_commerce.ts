import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import { PointsLedger, type EarnEntry, type Posting } from '#app/loyalty/services/points_ledger'
import {
  EarningRules,
  budgetLeft,
  evaluateEarning,
  ordersForEarning,
  type Earning,
  type EarningRule,
  type OrderForEarning,
  type Promotion,
} from '#app/loyalty/services/earning_rules'
import {
  expiryFor,
  loyaltySettings,
  type LoyaltySettings,
} from '#app/loyalty/services/loyalty_settings'
import { Tiers, type TierRules } from '#app/loyalty/services/tiers'
import { GrantBonuses } from '#app/loyalty/actions/grant_bonuses'
import { fromDbTime, toDbTime } from '#app/shared/kernel/db_values'

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

type MemberRefs = Array<{ companyId: number; memberId: number }>

export const ACCRUAL_CURSOR = 'commerce_status_changes'

/** Pending until the order completes: the return window starts then. */
export const UNTIL_COMPLETED = DateTime.fromISO('9999-12-31T00:00:00Z', { zone: 'utc' })

/**
 * When the order was completed, as the return window counts it. An order
 * marked completed without a completion time (an export without 确认收货时间)
 * counts from its shipping time, else its payment time: otherwise no later
 * event would ever start its window and its points would stay pending.
 */
function completionOf(row: Record<string, any>): DateTime | null {
  const completedAt = fromDbTime(row.completed_at)
  if (completedAt || row.status !== 'completed') return completedAt
  return fromDbTime(row.shipped_at) ?? fromDbTime(row.paid_at)
}

const EARNING_STATUSES = new Set(['paid', 'shipped', 'completed'])

/** A change that takes points back: an order closed, a refund completed. */
function isReversal(change: { subject_type: string; to_status: string }) {
  return (
    (change.subject_type === 'order' && change.to_status === 'closed') ||
    (change.subject_type === 'refund' && change.to_status === 'completed')
  )
}

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
  private tierRules = new Map<number, TierRules>()

  constructor(private now: () => DateTime = () => DateTime.utc()) {
    this.ledger = new PointsLedger(now)
  }

  async run(
    options: {
      batchSize?: number
      maxBatches?: number
      /** After each batch's cursor is saved: the job shows its progress (a history takes hours). */
      onBatch?: (counts: AccrualCounts) => Promise<void>
    } = {}
  ): Promise<AccrualCounts> {
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
      // Earning changes are accrued together; a reversal first flushes the
      // earnings before it, so the sequence is kept. Changes that do nothing
      // (a new pending order, a refund requested) do not break the group:
      // an imported history interleaves them, and groups of four orders each
      // paid the batch's fixed reads again.
      let earning: number[] = []
      for (const change of changes) {
        counts.changes++
        if (change.subject_type === 'order' && EARNING_STATUSES.has(change.to_status)) {
          earning.push(Number(change.subject_id))
          continue
        }
        if (!isReversal(change) || !(await this.mayReverse(change, earning))) {
          counts.skipped++
          continue
        }
        await this.accrueOrders(earning, counts)
        earning = []
        await this.handle(change, counts)
      }
      await this.accrueOrders(earning, counts)
      counts.cursor = Number(changes[changes.length - 1].id)
      await this.saveCursor(counts.cursor)
      await options.onBatch?.(counts)
    }
    await this.scheduleCompletedWithoutTime(counts)
    return counts
  }

  /**
   * Pending lots still waiting for their order to complete although it is
   * completed — it has no completion time, and was accrued before such orders
   * counted from their shipping or payment time (`completionOf`). Their window
   * is scheduled now; usually there are none (an indexed read).
   */
  private async scheduleCompletedWithoutTime(counts: AccrualCounts) {
    const waiting = await db
      .from('points_lots')
      .join('points_accounts', 'points_accounts.id', 'points_lots.account_id')
      // Only order lots carry an order id (the CASE keeps other sources' ids from the cast).
      .joinRaw(
        `JOIN orders ON orders.id = CASE WHEN points_lots.source_type = 'order' THEN CAST(points_lots.source_id AS INTEGER) END`
      )
      .where('points_lots.status', 'pending')
      .where('points_lots.available_at', toDbTime(UNTIL_COMPLETED))
      .where('points_lots.source_type', 'order')
      .where('orders.status', 'completed')
      .whereNull('orders.completed_at')
      .limit(500)
      .select('orders.*', 'points_accounts.company_id as account_company_id')
      .select('points_accounts.member_id as account_member_id')
    for (const row of waiting) {
      const completion = completionOf(row)
      if (!completion) continue
      const companyId = Number(row.account_company_id)
      const settings = await this.settingsFor(companyId)
      await this.ledger.schedulePendingRelease(
        { companyId, memberId: Number(row.account_member_id) },
        {
          sourceType: 'order',
          sourceId: Number(row.id),
          availableAt: completion.plus({ days: settings.returnWindowDays }),
        }
      )
      counts.scheduled++
    }
  }

  async cursor(): Promise<number> {
    const row = await db.from('loyalty_cursors').where('name', ACCRUAL_CURSOR).first()
    return row ? Number(row.position) : 0
  }

  private async saveCursor(position: number) {
    const stamp = toDbTime(this.now())
    await db
      .table('loyalty_cursors')
      .knexQuery.insert({ name: ACCRUAL_CURSOR, position, updated_at: stamp })
      .onConflict('name')
      .merge({ position, updated_at: stamp })
  }

  /**
   * False for an order closed that earned nothing and is not in the group
   * waiting to earn: nothing to take back, so the group need not be flushed
   * before it (an imported history has one such order in fourteen). A refund
   * always counts: its order may earn first (`reverseRefund`).
   */
  private async mayReverse(change: any, waiting: number[]) {
    if (change.subject_type !== 'order') return true
    const orderId = Number(change.subject_id)
    if (waiting.includes(orderId)) return true
    const accrual = await db
      .from('loyalty_order_accruals')
      .where('order_id', orderId)
      .where('points', '>', 0)
      .first()
    return !!accrual
  }

  private async handle(change: any, counts: AccrualCounts) {
    if (change.subject_type === 'order') {
      await this.reverseClosedOrder(Number(change.subject_id), counts)
    } else {
      await this.reverseRefund(Number(change.subject_id), counts)
    }
  }

  /** Earns (once) and, when completed, schedules the release. Also usable on its own. */
  async accrueOrder(orderId: number, counts?: AccrualCounts) {
    await this.accrueOrders([orderId], counts)
  }

  /**
   * Many orders at once — the batched accrual path. Everything the rules need
   * is read once for the batch (orders with their lines, existing accruals,
   * rule versions and promotions, the members' tiers when the orders were
   * paid, what each member already earned on each paid day, what is left of
   * each promotion's budget); the daily caps and budgets are then applied in
   * memory in the orders' sequence, and all the batch's earns are posted by
   * one `earnMany` transaction (budgets spent there, conditionally). The
   * result is the same as posting order by order; if a promotion budget was
   * spent by someone else in between (the conditional update refuses), the
   * batch falls back to order by order.
   */
  async accrueOrders(orderIds: number[], counts?: AccrualCounts) {
    const ids = [...new Set(orderIds)]
    if (ids.length === 0) return
    const orders = await ordersForEarning(ids)
    const accepted: Array<{
      id: number
      companyId: number
      memberId: number
      paidAt: DateTime
      completedAt: DateTime | null
      order: OrderForEarning
    }> = []
    for (const id of ids) {
      const loaded = orders.get(id)
      const row = loaded?.row
      const paidAt = row ? (fromDbTime(row.paid_at) ?? fromDbTime(row.completed_at)) : null
      // An order already closed by the time the job sees it never earns (nothing to take back later).
      if (
        !row ||
        row.status === 'closed' ||
        !row.member_id ||
        !paidAt ||
        Number(row.paid_fen) <= 0
      ) {
        if (counts) counts.skipped++
        continue
      }
      accepted.push({
        id,
        companyId: Number(row.company_id),
        memberId: Number(row.member_id),
        paidAt,
        completedAt: completionOf(row),
        order: loaded!,
      })
    }
    if (accepted.length === 0) return
    const existing = new Set<number>()
    for (const part of chunk(
      accepted.map((o) => o.id),
      500
    )) {
      const rows = await db
        .from('loyalty_order_accruals')
        .whereIn('order_id', part)
        .select('order_id')
      for (const row of rows) existing.add(Number(row.order_id))
    }
    const fresh = accepted.filter((o) => !existing.has(o.id))
    let earnedNow = new Set<number>()
    if (fresh.length > 0) {
      try {
        earnedNow = await this.earnBatch(fresh, counts)
      } catch (error: any) {
        if (error?.code !== 'E_PROMOTION_BUDGET_SPENT' || fresh.length === 1) throw error
        // The budget moved under us: order by order, each re-read.
        for (const one of fresh) await this.accrueOrders([one.id], counts)
        return
      }
    }
    const byCompany = new Map<number, number[]>()
    for (const o of accepted)
      byCompany.set(o.companyId, [...(byCompany.get(o.companyId) ?? []), o.memberId])
    for (const [companyId, memberIds] of byCompany)
      await this.evaluateTiers(companyId, memberIds, counts)
    // A lot earned just now already counts its window from the completion: only
    // lots earned before the order completed are scheduled here (each a locked
    // transaction; 400 commits per 500 changes of an imported history).
    const completed = accepted.filter((o) => o.completedAt && !earnedNow.has(o.id))
    for (const o of completed) {
      const settings = await this.settingsFor(o.companyId)
      await this.ledger.schedulePendingRelease(
        { companyId: o.companyId, memberId: o.memberId },
        {
          sourceType: 'order',
          sourceId: o.id,
          availableAt: o.completedAt!.plus({ days: settings.returnWindowDays }),
        }
      )
      if (counts) counts.scheduled++
    }
    // The first-order bonus at once when it is due (the order's points available).
    await this.firstOrderBonuses(accepted)
  }

  /**
   * Pending points whose return window ended become available — and the
   * members whose first order that was get the first-order bonus at once.
   */
  async releaseDue(): Promise<number> {
    const released: MemberRefs = []
    const count = await this.ledger.releaseDue({ onReleased: (ref) => released.push(ref) })
    await this.firstOrderBonuses(released)
    return count
  }

  private async firstOrderBonuses(members: MemberRefs) {
    const byCompany = new Map<number, Set<number>>()
    for (const { companyId, memberId } of members) {
      const set = byCompany.get(companyId) ?? new Set<number>()
      set.add(memberId)
      byCompany.set(companyId, set)
    }
    for (const [companyId, memberIds] of byCompany) {
      await new GrantBonuses(this.now).forMembers(companyId, memberIds, ['first_order'])
    }
  }

  private async earnBatch(
    fresh: Array<{
      id: number
      companyId: number
      memberId: number
      paidAt: DateTime
      completedAt: DateTime | null
      order: OrderForEarning
    }>,
    counts?: AccrualCounts
  ) {
    const companies = [...new Set(fresh.map((o) => o.companyId))]
    const rules = new Map<number, EarningRule[]>()
    const promotions = new Map<number, Promotion[]>()
    for (const companyId of companies) {
      rules.set(companyId, await this.rules.versions(companyId))
      promotions.set(companyId, await this.rules.activePromotions(companyId))
    }
    const ruleAt = (companyId: number, at: DateTime) =>
      rules
        .get(companyId)!
        .filter((rule) => rule.effectiveFrom <= at)
        .sort(
          (a, b) => b.effectiveFrom.toMillis() - a.effectiveFrom.toMillis() || b.version - a.version
        )[0] ?? null
    const promotionAt = (companyId: number, at: DateTime) =>
      promotions.get(companyId)!.find((p) => p.startsAt <= at && p.endsAt > at) ?? null
    const budgets = new Map<number, number | null>()
    for (const list of promotions.values()) for (const p of list) budgets.set(p.id, budgetLeft(p))

    const memberIds = [...new Set(fresh.map((o) => o.memberId))]
    const tierAt = await this.tierHistory(memberIds)
    const earnedOn = await this.earnedByDay(fresh)
    // Read only when a version has the cap: the accrual job's batches stay one read shorter.
    const totalCapped = [...rules.values()].some((list) => list.some((r) => r.perMemberTotalCap))
    const earnedInTotal = totalCapped ? await this.earnedInTotal(fresh) : new Map<number, number>()

    // One expiry date per company for the batch (all its earns happen now).
    const expiries = new Map<number, DateTime | null>()
    const expiresAt = async (companyId: number) => {
      if (!expiries.has(companyId)) {
        const settings = await this.settingsFor(companyId)
        expiries.set(companyId, expiryFor(settings, this.now(), await this.zoneFor(companyId)))
      }
      return expiries.get(companyId)!
    }
    const planned: Array<{ o: (typeof fresh)[number]; earning: Earning; entry: EarnEntry | null }> =
      []
    for (const o of fresh) {
      const rule = ruleAt(o.companyId, o.paidAt)
      const promotion = promotionAt(o.companyId, o.paidAt)
      const day = await this.dayKey(o.companyId, o.memberId, o.paidAt)
      const earnedToday = earnedOn.get(day) ?? 0
      const left = promotion ? (budgets.get(promotion.id) ?? null) : null
      const earnedBefore = earnedInTotal.get(o.memberId) ?? 0
      const earning = evaluateEarning(rule, promotion, o.order, earnedToday, {
        tierId: tierAt(o.memberId, o.paidAt),
        budgetLeft: left,
        earnedInTotal: totalCapped ? earnedBefore : undefined,
      })
      earnedOn.set(day, earnedToday + earning.points)
      earnedInTotal.set(o.memberId, earnedBefore + earning.points)
      if (promotion && left !== null) budgets.set(promotion.id, left - earning.promotionPoints)
      let entry: EarnEntry | null = null
      if (earning.points > 0) {
        const settings = await this.settingsFor(o.companyId)
        entry = {
          ref: { companyId: o.companyId, memberId: o.memberId },
          points: earning.points,
          sourceType: 'order',
          sourceId: o.id,
          idempotencyKey: `order:${o.id}`,
          availableAt: o.completedAt
            ? o.completedAt.plus({ days: settings.returnWindowDays })
            : UNTIL_COMPLETED,
          expiresAt: await expiresAt(o.companyId),
          reason: earning.ruleVersion ? `rule:v${earning.ruleVersion}` : null,
          promotionBudget:
            earning.promotionPoints > 0 && earning.promotionId
              ? { promotionId: earning.promotionId, points: earning.promotionPoints }
              : null,
        }
      }
      planned.push({ o, earning, entry })
    }
    const entries = planned.filter((p) => p.entry).map((p) => p.entry!)
    const postings = new Map<string, Posting>()
    for (const part of chunk(entries, 500)) {
      const posted = await this.ledger.earnMany(part)
      posted.forEach((posting) => postings.set(posting.idempotencyKey, posting))
      if (counts) counts.earned += posted.filter((posting) => posting.created).length
    }
    // Orders whose points were posted by this call, with the window set from their completion.
    const earnedNow = new Set(
      planned
        .filter(({ entry }) => entry && postings.get(entry.idempotencyKey)?.created)
        .map(({ o }) => o.id)
    )
    const stamp = toDbTime(this.now())
    const rows = planned.map(({ o, earning, entry }) => {
      const posting = entry ? postings.get(entry.idempotencyKey) : undefined
      const points = posting ? posting.amount + posting.pendingAmount : 0
      return {
        company_id: o.companyId,
        order_id: o.id,
        member_id: o.memberId,
        rule_id: earning.ruleId,
        promotion_id: earning.promotionId,
        tier_id: earning.tierId,
        eligible_fen: earning.eligibleFen,
        points,
        // What the budget paid: the planned extra, less what the ledger could not grant.
        promotion_points: Math.max(earning.promotionPoints - (earning.points - points), 0),
        posting_id: posting?.id ?? null,
        created_at: stamp,
      }
    })
    for (const part of chunk(rows, 200)) {
      await db
        .table('loyalty_order_accruals')
        .knexQuery.insert(part)
        .onConflict('order_id')
        .ignore()
    }
    return earnedNow
  }

  /**
   * "What does this order earn": the evaluation the accrual job makes for it
   * (its lines, the member's tier when it was paid, the member's other orders
   * that day, what is left of the promotion's budget), without posting, and
   * what it actually earned if it was accrued.
   */
  async previewOrder(orderId: number) {
    const orders = await ordersForEarning([orderId])
    const loaded = orders.get(orderId)
    if (!loaded) return null
    const row = loaded.row
    const companyId = Number(row.company_id)
    const paidAt = fromDbTime(row.paid_at) ?? fromDbTime(row.completed_at)
    const accrual = await db.from('loyalty_order_accruals').where('order_id', orderId).first()
    if (!paidAt) return { order: row, lines: loaded.lines!, accrual, preview: null }
    const memberId = row.member_id ? Number(row.member_id) : null
    let earnedToday: number | undefined
    let tierId: number | null | undefined
    let earnedInTotal: number | undefined
    if (memberId) {
      const order = { id: orderId, companyId, memberId, paidAt }
      const earnedOn = await this.earnedByDay([order])
      earnedToday = earnedOn.get(await this.dayKey(companyId, memberId, paidAt)) ?? 0
      tierId = (await this.tierHistory([memberId]))(memberId, paidAt)
      const earnedByMember = await this.earnedInTotal([order])
      earnedInTotal = earnedByMember.get(memberId) ?? 0
    }
    const result = await this.rules.evaluate(
      companyId,
      { ...loaded, paidAt },
      earnedToday,
      memberId ? { tierId, earnedInTotal } : {}
    )
    return {
      order: row,
      lines: loaded.lines!,
      accrual,
      preview: { ...result, paidFen: loaded.paidFen, shippingFen: loaded.shippingFen, paidAt },
    }
  }

  /** The tier each member held at a time, from the tier history (one read per batch). */
  private async tierHistory(memberIds: number[]) {
    const byMember = new Map<number, Array<{ at: DateTime; tierId: number | null }>>()
    for (const part of chunk(memberIds, 500)) {
      const rows = await db
        .from('member_tier_history')
        .whereIn('member_id', part)
        .orderBy('id')
        .select('member_id', 'to_tier_id', 'created_at')
      for (const row of rows) {
        const list = byMember.get(Number(row.member_id)) ?? []
        list.push({
          at: fromDbTime(row.created_at)!,
          tierId: row.to_tier_id === null ? null : Number(row.to_tier_id),
        })
        byMember.set(Number(row.member_id), list)
      }
    }
    return (memberId: number, at: DateTime): number | null => {
      let tierId: number | null = null
      for (const change of byMember.get(memberId) ?? []) {
        if (change.at <= at) tierId = change.tierId
      }
      return tierId
    }
  }

  private async dayKey(companyId: number, memberId: number, paidAt: DateTime) {
    const day = paidAt.setZone(await this.zoneFor(companyId)).toISODate()
    return `${memberId}|${day}`
  }

  /**
   * Points each member earned from orders other than these, in all (for the
   * per-member total cap): one grouped read per 500 members.
   */
  private async earnedInTotal(orders: Array<{ id: number; memberId: number }>) {
    const out = new Map<number, number>()
    const memberIds = [...new Set(orders.map((o) => o.memberId))]
    const orderIds = orders.map((o) => o.id)
    for (const part of chunk(memberIds, 500)) {
      const rows = await db
        .from('loyalty_order_accruals')
        .whereIn('member_id', part)
        .whereNotIn('order_id', orderIds)
        .groupBy('member_id')
        .select('member_id')
        .sum('points as points')
      for (const row of rows) out.set(Number(row.member_id), Number(row.points ?? 0))
    }
    return out
  }

  /** Points each member already earned per paid day (company zone), for the daily cap: one read per batch. */
  private async earnedByDay(
    orders: Array<{ id: number; companyId: number; memberId: number; paidAt: DateTime }>
  ) {
    const out = new Map<string, number>()
    let from = orders[0].paidAt
    let to = orders[0].paidAt
    for (const o of orders) {
      if (o.paidAt < from) from = o.paidAt
      if (o.paidAt > to) to = o.paidAt
    }
    const memberIds = [...new Set(orders.map((o) => o.memberId))]
    const companyOf = new Map(orders.map((o) => [o.memberId, o.companyId]))
    for (const part of chunk(memberIds, 500)) {
      const rows = await db
        .from('loyalty_order_accruals')
        .join('orders', 'orders.id', 'loyalty_order_accruals.order_id')
        .whereIn('loyalty_order_accruals.member_id', part)
        .whereNotIn(
          'loyalty_order_accruals.order_id',
          orders.map((o) => o.id)
        )
        .where('orders.paid_at', '>=', toDbTime(from.minus({ days: 1 })))
        .where('orders.paid_at', '<', toDbTime(to.plus({ days: 1 })))
        .select(
          'loyalty_order_accruals.member_id',
          'loyalty_order_accruals.points',
          'orders.paid_at'
        )
      for (const row of rows) {
        const memberId = Number(row.member_id)
        const key = await this.dayKey(companyOf.get(memberId)!, memberId, fromDbTime(row.paid_at)!)
        out.set(key, (out.get(key) ?? 0) + Number(row.points))
      }
    }
    return out
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
    await this.evaluateTiers(companyId, [memberId], counts)
  }

  private async evaluateTiers(companyId: number, memberIds: number[], counts?: AccrualCounts) {
    if (!this.tierRules.has(companyId)) {
      this.tierRules.set(companyId, await new Tiers(this.now).rules(companyId))
    }
    const rules = this.tierRules.get(companyId)!
    if (rules.tiers.length === 0) return
    const changes = await new Tiers(this.now).evaluateMany(companyId, memberIds, 'event', rules)
    for (const change of changes.values()) if (change === 'upgrade' && counts) counts.upgrades++
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
