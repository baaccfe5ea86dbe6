import { createHash } from 'node:crypto'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import { DomainError } from '#app/shared/errors/domain_error'
import { ORDER_STATUSES, type OrderStatus } from '#app/commerce/models/order'
import { Catalog } from '#app/commerce/actions/catalog'
import { MemberStats } from '#app/commerce/actions/member_stats'
import { utcIso } from '#app/shared/kernel/local_time'
import { toDbTime } from '#app/shared/kernel/db_values'

export interface OrderItemInput {
  skuCode?: string | null
  title: string
  productCode?: string | null
  category?: string | null
  quantity: number
  priceFen: number
  /** This line's share of what was paid; defaults to price × quantity. */
  paidFen?: number | null
}

export interface OrderInput {
  companyId: number
  shopId: number
  platformOrderNo: string
  memberId?: number | null
  status: OrderStatus
  orderedAt: DateTime
  paidAt?: DateTime | null
  shippedAt?: DateTime | null
  completedAt?: DateTime | null
  closedAt?: DateTime | null
  goodsFen: number
  discountFen?: number
  shippingFen?: number
  paidFen: number
  couponCodes?: string[]
  items: OrderItemInput[]
}

export type UpsertOutcome = 'inserted' | 'updated' | 'unchanged'

export interface UpsertOrderResult {
  orderId: number
  outcome: UpsertOutcome
  /** Members whose order figures need recomputing. */
  memberIds: number[]
}

export interface UpsertOptions {
  client?: QueryClientContract
  /** Where the data came from, kept on status history rows. */
  source?: string
  /** Recompute member figures now (default) or leave it to the caller (bulk imports). */
  recomputeStats?: boolean
  catalog?: Catalog
}

const STATUS_TIME: Record<OrderStatus, keyof OrderInput> = {
  pending: 'orderedAt',
  paid: 'paidAt',
  shipped: 'shippedAt',
  completed: 'completedAt',
  closed: 'closedAt',
}

/**
 * Stores an order as a shop or import reports it. Keyed by shop + platform
 * order number: the same order again changes nothing (a fingerprint of the
 * normalised content is compared), a changed one is updated line by line,
 * and every status change is written to the status history.
 */
export class UpsertOrder {
  async handle(input: OrderInput, options: UpsertOptions = {}): Promise<UpsertOrderResult> {
    if (options.client) return this.run(input, options.client, options)
    return db.transaction((trx) => this.run(input, trx, options))
  }

  private async run(input: OrderInput, client: QueryClientContract, options: UpsertOptions) {
    this.validate(input)
    const source = options.source ?? 'api'
    const row = UpsertOrder.orderRow(input, client)
    const fingerprint = UpsertOrder.fingerprint(input)

    const existing = await client
      .from('orders')
      .where({ shop_id: input.shopId, platform_order_no: input.platformOrderNo })
      .select('id', 'status', 'fingerprint', 'member_id')
      .first()

    if (existing && existing.fingerprint === fingerprint) {
      return { orderId: existing.id, outcome: 'unchanged' as const, memberIds: [] }
    }

    const catalog = options.catalog ?? new Catalog(input.companyId, client)
    const now = toDbTime(DateTime.utc(), client)
    let orderId: number
    let outcome: UpsertOutcome
    const memberIds = new Set<number>()
    if (input.memberId) memberIds.add(input.memberId)

    if (!existing) {
      const [inserted] = await client
        .insertQuery()
        .table('orders')
        .insert({ ...row, fingerprint, created_at: now, updated_at: now })
        .returning('id')
      orderId = typeof inserted === 'object' ? inserted.id : inserted
      outcome = 'inserted'
      await this.recordStatus(client, orderId, null, input, source)
    } else {
      orderId = existing.id
      outcome = 'updated'
      if (existing.member_id) memberIds.add(existing.member_id)
      await client
        .query()
        .from('orders')
        .where('id', orderId)
        .update({ ...row, fingerprint, updated_at: now })
      if (existing.status !== input.status) {
        await this.recordStatus(client, orderId, existing.status, input, source)
      }
    }

    await this.syncItems(client, orderId, input, catalog, outcome === 'inserted')

    if (options.recomputeStats !== false && memberIds.size) {
      await MemberStats.recompute([...memberIds], client)
    }
    return { orderId, outcome, memberIds: [...memberIds] }
  }

  private validate(input: OrderInput) {
    const fail = (reason: string) => {
      throw new DomainError('E_INVALID_ORDER', `commerce.errors.${reason}`, 422, {
        order: input.platformOrderNo,
      })
    }
    if (!input.platformOrderNo) fail('order_no_required')
    if (!ORDER_STATUSES.includes(input.status)) fail('invalid_status')
    if (!input.orderedAt?.isValid) fail('invalid_ordered_at')
    const amounts = [input.goodsFen, input.discountFen ?? 0, input.shippingFen ?? 0, input.paidFen]
    if (amounts.some((a) => !Number.isSafeInteger(a) || a < 0)) fail('invalid_amount')
    for (const item of input.items) {
      if (!Number.isSafeInteger(item.quantity) || item.quantity <= 0) fail('invalid_quantity')
      if (!Number.isSafeInteger(item.priceFen) || item.priceFen < 0) fail('invalid_amount')
      if (item.paidFen != null && (!Number.isSafeInteger(item.paidFen) || item.paidFen < 0))
        fail('invalid_amount')
    }
  }

  /** The orders row an input writes (without fingerprint and timestamps); the bulk import writes the same. */
  static orderRow(input: OrderInput, client: QueryClientContract) {
    return {
      company_id: input.companyId,
      shop_id: input.shopId,
      platform_order_no: input.platformOrderNo,
      member_id: input.memberId ?? null,
      status: input.status,
      ordered_at: toDbTime(input.orderedAt, client),
      paid_at: toDbTime(input.paidAt, client),
      shipped_at: toDbTime(input.shippedAt, client),
      completed_at: toDbTime(input.completedAt, client),
      closed_at: toDbTime(input.closedAt, client),
      goods_fen: input.goodsFen,
      discount_fen: input.discountFen ?? 0,
      shipping_fen: input.shippingFen ?? 0,
      paid_fen: input.paidFen,
      coupon_codes: input.couponCodes?.length
        ? JSON.stringify([...input.couponCodes].sort())
        : null,
    }
  }

  /** Hash of everything an upsert would write; equal hash means nothing to do. */
  static fingerprint(input: OrderInput): string {
    const iso = (d: DateTime | null | undefined) => (d ? utcIso(d) : null)
    const canonical = [
      input.memberId ?? null,
      input.status,
      iso(input.orderedAt),
      iso(input.paidAt),
      iso(input.shippedAt),
      iso(input.completedAt),
      iso(input.closedAt),
      input.goodsFen,
      input.discountFen ?? 0,
      input.shippingFen ?? 0,
      input.paidFen,
      [...(input.couponCodes ?? [])].sort(),
      input.items.map((i) => [
        i.skuCode ?? null,
        i.title,
        i.quantity,
        i.priceFen,
        i.paidFen ?? i.priceFen * i.quantity,
      ]),
    ]
    return createHash('sha256').update(JSON.stringify(canonical)).digest('hex')
  }

  private async recordStatus(
    client: QueryClientContract,
    orderId: number,
    from: string | null,
    input: OrderInput,
    source: string
  ) {
    const at = (input[STATUS_TIME[input.status]] as DateTime | null | undefined) ?? DateTime.utc()
    await client
      .insertQuery()
      .table('commerce_status_changes')
      .insert({
        subject_type: 'order',
        subject_id: orderId,
        from_status: from,
        to_status: input.status,
        changed_at: toDbTime(at, client),
        source,
        created_at: toDbTime(DateTime.utc(), client),
      })
  }

  /** Lines are matched by position so refunds that point at a line keep pointing at it. */
  private async syncItems(
    client: QueryClientContract,
    orderId: number,
    input: OrderInput,
    catalog: Catalog,
    fresh: boolean
  ) {
    const rows = []
    for (const [index, item] of input.items.entries()) {
      const skuId = item.skuCode
        ? await catalog.skuId({
            skuCode: item.skuCode,
            title: item.title,
            productCode: item.productCode,
            category: item.category,
            priceFen: item.priceFen,
          })
        : null
      rows.push({
        order_id: orderId,
        line_no: index + 1,
        sku_id: skuId,
        sku_code: item.skuCode ?? null,
        title: item.title,
        quantity: item.quantity,
        price_fen: item.priceFen,
        paid_fen: item.paidFen ?? item.priceFen * item.quantity,
      })
    }
    if (fresh) {
      if (rows.length) await client.insertQuery().table('order_items').multiInsert(rows)
      return
    }

    const current = await client
      .from('order_items')
      .where('order_id', orderId)
      .select('id', 'line_no')
    const byLine = new Map<number, number>(current.map((r: any) => [r.line_no, r.id]))
    for (const row of rows) {
      const id = byLine.get(row.line_no)
      if (id) {
        await client.query().from('order_items').where('id', id).update(row)
        byLine.delete(row.line_no)
      } else {
        await client.insertQuery().table('order_items').insert(row)
      }
    }
    const extra = [...byLine.values()]
    if (extra.length) {
      await client
        .query()
        .from('refund_items')
        .whereIn('order_item_id', extra)
        .update({ order_item_id: null })
      await client.query().from('order_items').whereIn('id', extra).delete()
    }
  }
}
