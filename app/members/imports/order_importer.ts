import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import { ResolveMember, type IdentityInput } from '#app/members/actions/resolve_member'
import { UpsertOrder, type OrderInput } from '#app/commerce/actions/upsert_order'
import { ORDER_STATUSES, type OrderStatus } from '#app/commerce/models/order'
import { ORDER_FIELDS, type HeaderMap } from '#app/members/imports/columns'
import * as n from '#app/members/imports/normalise'
import {
  cell,
  iso,
  required,
  RowError,
  type ImportContext,
  type Importer,
  type ImportRow,
} from '#app/members/imports/importer'
import { IDENTITY_TYPES, type IdentityType } from '#app/members/models/member_identity'

/** Status words of Taobao/Tmall, JD and Douyin exports. */
const STATUS_WORDS: Record<string, OrderStatus> = {
  等待买家付款: 'pending',
  待付款: 'pending',
  买家已付款: 'paid',
  已付款: 'paid',
  等待卖家发货: 'paid',
  待发货: 'paid',
  卖家已发货: 'shipped',
  已发货: 'shipped',
  等待确认收货: 'shipped',
  交易成功: 'completed',
  已完成: 'completed',
  完成: 'completed',
  交易关闭: 'closed',
  已关闭: 'closed',
  已取消: 'closed',
}

export function orderStatus(value: string | undefined): OrderStatus | null {
  const clean = n.halfWidth(value ?? '')
  if (!clean) return null
  const lower = clean.toLowerCase()
  if ((ORDER_STATUSES as readonly string[]).includes(lower)) return lower as OrderStatus
  const mapped = STATUS_WORDS[clean]
  if (!mapped) throw new n.CellError('invalid_status')
  return mapped
}

export function shopFor(row: ImportRow, header: HeaderMap, context: ImportContext) {
  const name = n.text(row.values.shop)
  if (!name) {
    if (context.defaultShopId) {
      const shop = [...context.shops.values()].find((s) => s.id === context.defaultShopId)
      if (shop) return shop
    }
    throw new RowError(
      row.line,
      header.headers[header.index.get('shop') ?? -1] ?? 'shop',
      'unknown_shop'
    )
  }
  const shop = context.shops.get(name)
  if (!shop) throw new RowError(row.line, header.headers[header.index.get('shop')!], 'unknown_shop')
  return shop
}

export interface ParsedOrder {
  order: Omit<OrderInput, 'memberId'>
  buyer: {
    identities: IdentityInput[]
    name: string | null
    province: string | null
    city: string | null
    platform: string
  }
}

/**
 * Orders, one line per order item; the lines of an order are adjacent and
 * repeat the order's own columns (the first line's values are used).
 */
export const orderImporter: Importer<ParsedOrder> = {
  kind: 'orders',
  fields: ORDER_FIELDS,

  preset() {
    return 'standard'
  },

  missing(header, context) {
    const needed = ['order_no', 'status', 'ordered_at', 'paid_amount']
    if (!context.defaultShopId) needed.push('shop')
    return needed.filter((field) => !header.index.has(field))
  },

  key(row) {
    return `${(row.values.shop ?? '').trim()}\u0000${(row.values.order_no ?? '').trim()}`
  },

  parse(rows, header, context) {
    const first = rows[0]
    const shop = shopFor(first, header, context)
    const zone = shop.timezone || context.zone
    const when = (field: string) => cell(first, header, field, (v) => n.dateTime(v, zone))
    const amount = (row: ImportRow, field: string) =>
      cell(row, header, field, (v) => n.amountFen(v))

    const items = []
    for (const row of rows) {
      const skuCode = cell(row, header, 'sku_code', (v) => n.text(v, 64))
      const title = cell(row, header, 'title', (v) => n.text(v, 200))
      if (!skuCode && !title) continue
      const quantity = cell(row, header, 'quantity', n.integer) ?? 1
      if (quantity <= 0)
        throw new RowError(
          row.line,
          header.headers[header.index.get('quantity')!],
          'invalid_quantity'
        )
      const price = required(row, header, 'price', amount(row, 'price'))
      items.push({
        skuCode,
        title: title ?? skuCode!,
        productCode: cell(row, header, 'product_code', (v) => n.text(v, 64)),
        category: cell(row, header, 'category', (v) => n.text(v, 80)),
        quantity,
        priceFen: price,
        paidFen: amount(row, 'item_paid_amount'),
      })
    }

    const paidFen = required(first, header, 'paid_amount', amount(first, 'paid_amount'))
    const goodsFen =
      amount(first, 'goods_amount') ?? items.reduce((sum, i) => sum + i.priceFen * i.quantity, 0)
    const coupons = n.text(first.values.coupon_codes, 500)

    const identities: IdentityInput[] = []
    const phone = cell(first, header, 'phone', n.phone)
    if (phone) identities.push({ type: 'phone', value: phone.digits })
    for (const type of IDENTITY_TYPES) {
      if (type === 'phone') continue
      const value = cell(first, header, type, (v) => n.text(v, 128))
      if (value) identities.push({ type: type as IdentityType, value })
    }

    return {
      order: {
        companyId: context.companyId,
        shopId: shop.id,
        platformOrderNo: required(first, header, 'order_no', n.text(first.values.order_no, 64)),
        status: required(first, header, 'status', cell(first, header, 'status', orderStatus)),
        orderedAt: required(first, header, 'ordered_at', when('ordered_at')),
        paidAt: when('paid_at'),
        shippedAt: when('shipped_at'),
        completedAt: when('completed_at'),
        closedAt: when('closed_at'),
        goodsFen,
        discountFen: amount(first, 'discount_amount') ?? 0,
        shippingFen: amount(first, 'shipping_amount') ?? 0,
        paidFen,
        couponCodes: coupons ? coupons.split(/[,，;；\s]+/).filter(Boolean) : [],
        items,
      },
      buyer: {
        identities,
        name: cell(first, header, 'buyer_name', (v) => n.text(v, 80)),
        province: cell(first, header, 'province', (v) => n.text(v, 40)),
        city: cell(first, header, 'city', (v) => n.text(v, 40)),
        platform: shop.platform,
      },
    }
  },

  async apply(parsed: ParsedOrder, client: QueryClientContract, context: ImportContext) {
    let memberId: number | null = null
    if (parsed.buyer.identities.length) {
      const member = await new ResolveMember().handle(
        {
          companyId: context.companyId,
          identities: parsed.buyer.identities,
          profile: {
            name: parsed.buyer.name,
            province: parsed.buyer.province,
            city: parsed.buyer.city,
            sourceShopId: parsed.order.shopId,
            sourceChannel: parsed.buyer.platform,
          },
          source: 'order',
        },
        client
      )
      memberId = member.memberId
    }
    const result = await new UpsertOrder().handle(
      { ...parsed.order, memberId },
      { client, source: 'import', recomputeStats: false }
    )
    const outcome =
      result.outcome === 'inserted'
        ? 'inserted'
        : result.outcome === 'updated'
          ? 'updated'
          : 'duplicate'
    return { outcome, memberIds: result.memberIds }
  },

  describe(parsed) {
    return {
      order_no: parsed.order.platformOrderNo,
      status: parsed.order.status,
      ordered_at: iso(parsed.order.orderedAt),
      paid_fen: parsed.order.paidFen,
      goods_fen: parsed.order.goodsFen,
      items: parsed.order.items.length,
      buyer: parsed.buyer.identities
        .map((i) => (i.type === 'phone' ? 'phone' : `${i.type}=${i.value}`))
        .join(' '),
    }
  },
}
