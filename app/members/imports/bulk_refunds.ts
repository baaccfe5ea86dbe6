import { DateTime } from 'luxon'
import logger from '@adonisjs/core/services/logger'
import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import { UpsertRefund, type RefundInput } from '#app/commerce/actions/upsert_refund'
import { REFUND_STATUSES } from '#app/commerce/models/refund'
import { bulkInsert } from '#app/shared/kernel/bulk_insert'
import type { ImportRow, RowOutcome } from '#app/members/imports/importer'
import { toDbTime } from '#app/shared/kernel/db_values'
import { LOOKUP_CHUNK, rowsByShopNumber } from '#app/members/imports/bulk_plan'

export interface BulkRefundUnit {
  rows: ImportRow[]
  parsed: RefundInput & { line: number }
}

export interface BulkRefundCallbacks {
  /** The per-unit path (UpsertRefund in a savepoint, rejects on error). */
  fallback: (unit: BulkRefundUnit) => Promise<void>
  /** Counts a unit the fast path applied. */
  done: (unit: BulkRefundUnit, outcome: RowOutcome, memberIds: number[]) => void
}

interface StoredOrder {
  id: number
  memberId: number | null
  paidFen: number
  /** First line per SKU code (what UpsertRefund links a refunded item to). */
  lineBySku: Map<string, number>
}

interface PlannedRefund {
  unit: BulkRefundUnit
  order: StoredOrder
  fingerprint: string
  id?: number
}

/**
 * The set-based path of the refund import. For a batch it loads the orders
 * (by shop + order number), the refunds already stored (by shop + refund
 * number) and the orders' lines with one query each per shop; a refund seen
 * before with the same fingerprint is a duplicate without a write, a new
 * valid refund is written with the others of the batch in file order
 * (multi-row inserts of refunds, their first status row and their items).
 * Everything else — a changed refund, a missing order, an amount over what
 * was paid, invalid values, the same refund twice in a batch — goes through
 * UpsertRefund unit by unit after the pending writes, so counts, rejects and
 * the database are those of the per-unit path.
 */
export class BulkRefundImport {
  /** Units taken by each path, and bulk writes that failed (for tests and diagnostics). */
  static counters = { fast: 0, fallback: 0, failedWrites: 0 }

  private orders = new Map<string, StoredOrder>()
  private refunds = new Map<string, { fingerprint: string } | 'pending'>()

  constructor(
    private companyId: number,
    private client: QueryClientContract
  ) {}

  async run(units: BulkRefundUnit[], callbacks: BulkRefundCallbacks) {
    await this.load(units)
    let plan: PlannedRefund[] = []
    let duplicates: BulkRefundUnit[] = []
    const flush = async () => {
      await this.flush(plan, duplicates, callbacks)
      plan = []
      duplicates = []
    }
    for (const unit of units) {
      const decision = this.plan(unit)
      if (decision === 'duplicate') duplicates.push(unit)
      else if (decision) plan.push(decision)
      else {
        await flush()
        BulkRefundImport.counters.fallback++
        await callbacks.fallback(unit)
        await this.load([unit])
      }
    }
    await flush()
  }

  private key(shopId: number, no: string) {
    return `${shopId}\u0000${no}`
  }

  /** Loads the orders, stored refunds and order lines the units name. */
  private async load(units: BulkRefundUnit[]) {
    const orderNos = new Map<number, Set<string>>()
    const refundNos = new Map<number, Set<string>>()
    for (const { parsed } of units) {
      if (!orderNos.has(parsed.shopId)) orderNos.set(parsed.shopId, new Set())
      orderNos.get(parsed.shopId)!.add(parsed.platformOrderNo)
      if (!refundNos.has(parsed.shopId)) refundNos.set(parsed.shopId, new Set())
      refundNos.get(parsed.shopId)!.add(parsed.platformRefundNo)
    }
    const orders = await rowsByShopNumber(this.client, 'orders', 'platform_order_no', orderNos, [
      'id',
      'member_id',
      'paid_fen',
    ])
    const byId = new Map<number, StoredOrder>()
    for (const { shopId, row } of orders) {
      const order: StoredOrder = {
        id: Number(row.id),
        memberId: row.member_id === null ? null : Number(row.member_id),
        paidFen: Number(row.paid_fen),
        lineBySku: new Map(),
      }
      byId.set(order.id, order)
      this.orders.set(this.key(shopId, row.platform_order_no), order)
    }
    const ids = [...byId.keys()]
    for (let i = 0; i < ids.length; i += LOOKUP_CHUNK) {
      const lines = await this.client
        .from('order_items')
        .whereIn('order_id', ids.slice(i, i + LOOKUP_CHUNK))
        .orderBy('id')
        .select('id', 'order_id', 'sku_code')
      for (const line of lines) {
        const order = byId.get(Number(line.order_id))!
        if (line.sku_code && !order.lineBySku.has(line.sku_code))
          order.lineBySku.set(line.sku_code, Number(line.id))
      }
    }
    const refunds = await rowsByShopNumber(
      this.client,
      'refunds',
      'platform_refund_no',
      refundNos,
      ['fingerprint'],
      (shopId, no) => this.refunds.delete(this.key(shopId, no))
    )
    for (const { shopId, row } of refunds) {
      this.refunds.set(this.key(shopId, row.platform_refund_no), { fingerprint: row.fingerprint })
    }
  }

  /** A new refund to write, 'duplicate', or null: the per-unit path decides. */
  private plan(unit: BulkRefundUnit): PlannedRefund | 'duplicate' | null {
    const input = unit.parsed
    // UpsertRefund's own checks: a unit failing one is rejected there, with its reason.
    if (!input.platformRefundNo || !REFUND_STATUSES.includes(input.status)) return null
    if (!input.requestedAt?.isValid) return null
    if (!Number.isSafeInteger(input.amountFen) || input.amountFen < 0) return null
    for (const item of input.items ?? []) {
      if (!Number.isSafeInteger(item.quantity) || item.quantity <= 0) return null
      if (!Number.isSafeInteger(item.amountFen) || item.amountFen < 0) return null
    }
    const order = this.orders.get(this.key(input.shopId, input.platformOrderNo))
    if (!order || input.amountFen > order.paidFen) return null
    const key = this.key(input.shopId, input.platformRefundNo)
    const stored = this.refunds.get(key)
    const fingerprint = UpsertRefund.fingerprint(input)
    if (stored === 'pending') return null
    if (stored) return stored.fingerprint === fingerprint ? 'duplicate' : null
    this.refunds.set(key, 'pending')
    return { unit, order, fingerprint }
  }

  /** Writes the planned refunds; if that fails, undoes it and sends them through the per-unit path. */
  private async flush(
    plan: PlannedRefund[],
    duplicates: BulkRefundUnit[],
    callbacks: BulkRefundCallbacks
  ) {
    BulkRefundImport.counters.fast += duplicates.length
    for (const unit of duplicates) callbacks.done(unit, 'duplicate', [])
    if (!plan.length) return
    try {
      await this.client.transaction((savepoint) => this.write(plan, savepoint))
    } catch (error) {
      BulkRefundImport.counters.failedWrites++
      logger.warn({ err: error }, 'refund import: bulk write failed, applying the batch one by one')
      for (const planned of plan) {
        const { shopId, platformRefundNo } = planned.unit.parsed
        this.refunds.delete(this.key(shopId, platformRefundNo))
      }
      for (const planned of plan) await callbacks.fallback(planned.unit)
      await this.load(plan.map((planned) => planned.unit))
      return
    }
    BulkRefundImport.counters.fast += plan.length
    for (const planned of plan) {
      const { shopId, platformRefundNo } = planned.unit.parsed
      this.refunds.set(this.key(shopId, platformRefundNo), { fingerprint: planned.fingerprint })
      const memberIds = planned.order.memberId ? [planned.order.memberId] : []
      callbacks.done(planned.unit, 'inserted', memberIds)
    }
  }

  /** Multi-row inserts of the refunds, their first status row and their items (as UpsertRefund writes them). */
  private async write(plan: PlannedRefund[], client: QueryClientContract) {
    const now = toDbTime(DateTime.utc(), client)
    const ids = await bulkInsert(
      client,
      'refunds',
      plan.map(({ unit: { parsed: input }, order, fingerprint }) => ({
        company_id: this.companyId,
        shop_id: input.shopId,
        platform_refund_no: input.platformRefundNo,
        order_id: order.id,
        status: input.status,
        amount_fen: input.amountFen,
        requested_at: toDbTime(input.requestedAt, client),
        completed_at: toDbTime(input.completedAt, client),
        reason: input.reason ?? null,
        fingerprint,
        updated_at: now,
        created_at: now,
      })),
      { returning: true }
    )
    plan.forEach((planned, index) => (planned.id = ids[index]))
    await bulkInsert(
      client,
      'commerce_status_changes',
      plan.map(({ unit: { parsed: input }, id }) => ({
        subject_type: 'refund',
        subject_id: id,
        from_status: null,
        to_status: input.status,
        changed_at: toDbTime(input.requestedAt, client),
        source: 'import',
        created_at: now,
      }))
    )
    await bulkInsert(
      client,
      'refund_items',
      plan.flatMap(({ unit: { parsed: input }, order, id }) =>
        (input.items ?? []).map((item, index) => ({
          refund_id: id,
          line_no: index + 1,
          order_item_id: item.skuCode ? (order.lineBySku.get(item.skuCode) ?? null) : null,
          sku_code: item.skuCode ?? null,
          quantity: item.quantity,
          amount_fen: item.amountFen,
        }))
      )
    )
  }
}
