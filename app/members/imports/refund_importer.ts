import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import { UpsertRefund, type RefundInput } from '#app/commerce/actions/upsert_refund'
import { REFUND_STATUSES, type RefundStatus } from '#app/commerce/models/refund'
import { REFUND_FIELDS } from '#app/members/imports/columns'
import * as n from '#app/members/imports/normalise'
import { cell, iso, required, RowError, type Importer } from '#app/members/imports/importer'
import { shopFor } from '#app/members/imports/order_importer'
import { DomainError } from '#app/shared/errors/domain_error'

const STATUS_WORDS: Record<string, RefundStatus> = {
  买家已经申请退款: 'requested',
  退款中: 'requested',
  待处理: 'requested',
  卖家已同意: 'approved',
  已同意: 'approved',
  卖家拒绝退款: 'rejected',
  已拒绝: 'rejected',
  退款成功: 'completed',
  已退款: 'completed',
  退款关闭: 'cancelled',
  已取消: 'cancelled',
}

function refundStatus(value: string | undefined): RefundStatus | null {
  const clean = n.halfWidth(value ?? '')
  if (!clean) return null
  if ((REFUND_STATUSES as readonly string[]).includes(clean.toLowerCase()))
    return clean.toLowerCase() as RefundStatus
  const mapped = STATUS_WORDS[clean]
  if (!mapped) throw new n.CellError('invalid_status')
  return mapped
}

/** Refunds, one line per refunded item (or one line per refund without items). */
export const refundImporter: Importer<RefundInput & { line: number }> = {
  kind: 'refunds',
  fields: REFUND_FIELDS,

  preset() {
    return 'standard'
  },

  missing(header, context) {
    const needed = ['refund_no', 'order_no', 'status', 'amount', 'requested_at']
    if (!context.defaultShopId) needed.push('shop')
    return needed.filter((field) => !header.index.has(field))
  },

  key(row) {
    return `${(row.values.shop ?? '').trim()}\u0000${(row.values.refund_no ?? '').trim()}`
  },

  parse(rows, header, context) {
    const first = rows[0]
    const shop = shopFor(first, header, context)
    const zone = shop.timezone || context.zone
    const items = []
    for (const row of rows) {
      const skuCode = cell(row, header, 'sku_code', (v) => n.text(v, 64))
      if (!skuCode) continue
      items.push({
        skuCode,
        quantity: cell(row, header, 'quantity', n.integer) ?? 1,
        amountFen: cell(row, header, 'item_amount', (v) => n.amountFen(v)) ?? 0,
      })
    }
    return {
      line: first.line,
      companyId: context.companyId,
      shopId: shop.id,
      platformRefundNo: required(first, header, 'refund_no', n.text(first.values.refund_no, 64)),
      platformOrderNo: required(first, header, 'order_no', n.text(first.values.order_no, 64)),
      status: required(first, header, 'status', cell(first, header, 'status', refundStatus)),
      amountFen: required(
        first,
        header,
        'amount',
        cell(first, header, 'amount', (v) => n.amountFen(v))
      ),
      requestedAt: required(
        first,
        header,
        'requested_at',
        cell(first, header, 'requested_at', (v) => n.dateTime(v, zone))
      ),
      completedAt: cell(first, header, 'completed_at', (v) => n.dateTime(v, zone)),
      reason: cell(first, header, 'reason', (v) => n.text(v, 200)),
      items,
    }
  },

  async apply(parsed, client: QueryClientContract) {
    const { line, ...input } = parsed
    try {
      const result = await new UpsertRefund().handle(input, {
        client,
        source: 'import',
        recomputeStats: false,
      })
      const outcome =
        result.outcome === 'inserted'
          ? 'inserted'
          : result.outcome === 'updated'
            ? 'updated'
            : 'duplicate'
      return { outcome, memberIds: result.memberIds }
    } catch (error) {
      if (
        error instanceof DomainError &&
        error.translationKey === 'commerce.errors.order_not_found'
      ) {
        throw new RowError(line, 'order_no', 'order_not_found')
      }
      throw error
    }
  },

  describe(parsed) {
    return {
      refund_no: parsed.platformRefundNo,
      order_no: parsed.platformOrderNo,
      status: parsed.status,
      amount_fen: parsed.amountFen,
      requested_at: iso(parsed.requestedAt),
      items: parsed.items?.length ?? 0,
    }
  },
}
