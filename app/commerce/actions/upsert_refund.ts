import { createHash } from 'node:crypto'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import { DomainError } from '#app/shared/errors/domain_error'
import { REFUND_STATUSES, type RefundStatus } from '#app/commerce/models/refund'
import { MemberStats } from '#app/commerce/actions/member_stats'
import type { UpsertOptions, UpsertOutcome } from '#app/commerce/actions/upsert_order'
import { toDbTime } from '#app/shared/kernel/db_values'

export interface RefundItemInput {
  skuCode?: string | null
  quantity: number
  amountFen: number
}

export interface RefundInput {
  companyId: number
  shopId: number
  platformRefundNo: string
  /** The order's number in the same shop. */
  platformOrderNo: string
  status: RefundStatus
  amountFen: number
  requestedAt: DateTime
  completedAt?: DateTime | null
  reason?: string | null
  items?: RefundItemInput[]
}

export interface UpsertRefundResult {
  refundId: number
  outcome: UpsertOutcome
  memberIds: number[]
}

/**
 * Stores a refund against an order of the same shop, keyed by shop +
 * platform refund number; idempotent like UpsertOrder, with status history.
 */
export class UpsertRefund {
  async handle(input: RefundInput, options: UpsertOptions = {}): Promise<UpsertRefundResult> {
    if (options.client) return this.run(input, options.client, options)
    return db.transaction((trx) => this.run(input, trx, options))
  }

  private async run(input: RefundInput, client: QueryClientContract, options: UpsertOptions) {
    const fail = (reason: string) => {
      throw new DomainError('E_INVALID_REFUND', `commerce.errors.${reason}`, 422, {
        refund: input.platformRefundNo,
      })
    }
    if (!input.platformRefundNo) fail('refund_no_required')
    if (!REFUND_STATUSES.includes(input.status)) fail('invalid_status')
    if (!input.requestedAt?.isValid) fail('invalid_requested_at')
    if (!Number.isSafeInteger(input.amountFen) || input.amountFen < 0) fail('invalid_amount')
    for (const item of input.items ?? []) {
      if (!Number.isSafeInteger(item.quantity) || item.quantity <= 0) fail('invalid_quantity')
      if (!Number.isSafeInteger(item.amountFen) || item.amountFen < 0) fail('invalid_amount')
    }

    const order = await client
      .from('orders')
      .where({ shop_id: input.shopId, platform_order_no: input.platformOrderNo })
      .select('id', 'member_id', 'paid_fen')
      .first()
    if (!order) fail('order_not_found')
    if (input.amountFen > Number(order.paid_fen)) fail('refund_exceeds_paid')

    const fingerprint = UpsertRefund.fingerprint(input)
    const existing = await client
      .from('refunds')
      .where({ shop_id: input.shopId, platform_refund_no: input.platformRefundNo })
      .select('id', 'status', 'fingerprint')
      .first()
    if (existing && existing.fingerprint === fingerprint) {
      return { refundId: existing.id, outcome: 'unchanged' as const, memberIds: [] }
    }

    const now = toDbTime(DateTime.utc(), client)
    const row = {
      company_id: input.companyId,
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
    }
    let refundId: number
    let outcome: UpsertOutcome
    const source = options.source ?? 'api'
    if (!existing) {
      const [inserted] = await client
        .insertQuery()
        .table('refunds')
        .insert({ ...row, created_at: now })
        .returning('id')
      refundId = typeof inserted === 'object' ? inserted.id : inserted
      outcome = 'inserted'
      await this.recordStatus(client, refundId, null, input, source)
    } else {
      refundId = existing.id
      outcome = 'updated'
      await client.query().from('refunds').where('id', refundId).update(row)
      if (existing.status !== input.status) {
        await this.recordStatus(client, refundId, existing.status, input, source)
      }
      await client.query().from('refund_items').where('refund_id', refundId).delete()
    }

    const items = input.items ?? []
    if (items.length) {
      const lines = await client
        .from('order_items')
        .where('order_id', order.id)
        .select('id', 'sku_code')
      const lineBySku = new Map<string, number>()
      for (const line of lines)
        if (line.sku_code && !lineBySku.has(line.sku_code)) lineBySku.set(line.sku_code, line.id)
      await client
        .insertQuery()
        .table('refund_items')
        .multiInsert(
          items.map((item, index) => ({
            refund_id: refundId,
            line_no: index + 1,
            order_item_id: item.skuCode ? (lineBySku.get(item.skuCode) ?? null) : null,
            sku_code: item.skuCode ?? null,
            quantity: item.quantity,
            amount_fen: item.amountFen,
          }))
        )
    }

    const memberIds = order.member_id ? [order.member_id] : []
    if (options.recomputeStats !== false && memberIds.length)
      await MemberStats.recompute(memberIds, client, { categories: false })
    return { refundId, outcome, memberIds }
  }

  static fingerprint(input: RefundInput): string {
    const iso = (d: DateTime | null | undefined) =>
      d ? d.toUTC().toISO({ suppressMilliseconds: true }) : null
    return createHash('sha256')
      .update(
        JSON.stringify([
          input.platformOrderNo,
          input.status,
          input.amountFen,
          iso(input.requestedAt),
          iso(input.completedAt),
          input.reason ?? null,
          (input.items ?? []).map((i) => [i.skuCode ?? null, i.quantity, i.amountFen]),
        ])
      )
      .digest('hex')
  }

  private async recordStatus(
    client: QueryClientContract,
    refundId: number,
    from: string | null,
    input: RefundInput,
    source: string
  ) {
    const at =
      input.status === 'completed' && input.completedAt ? input.completedAt : input.requestedAt
    await client
      .insertQuery()
      .table('commerce_status_changes')
      .insert({
        subject_type: 'refund',
        subject_id: refundId,
        from_status: from,
        to_status: input.status,
        changed_at: toDbTime(from === null ? input.requestedAt : at, client),
        source,
        created_at: toDbTime(DateTime.utc(), client),
      })
  }
}
