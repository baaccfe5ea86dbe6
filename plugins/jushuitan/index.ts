import {
  chinaTime,
  definePlugin,
  type ErpConnector,
  type ErpOrder,
  type ErpRefund,
  parseChinaTime,
  type PluginContext,
  PluginError,
  readErpSkuMappings,
  yuanToFen,
} from '#plugin-sdk'
import { JushuitanApi, LIMITS, type JushuitanConfig } from './client.js'

/** Rows per page Quanzi asks for (orders and after-sales). */
export const PAGE_SIZE = 50
/** The platform answers at most seven days of modification time per query. */
export const MAX_WINDOW_MINUTES = 7 * 24 * 60

/** `skumap/query` answers at most 50 listings a page. */
export const SKU_MAP_PAGE_SIZE = 50

/** 聚水潭 order `status` → Quanzi order status; anything else by whether it is paid. */
const ORDER_STATUS: Record<string, ErpOrder['status']> = {
  WaitPay: 'pending',
  WaitConfirm: 'paid',
  WaitFConfirm: 'paid',
  Delivering: 'paid',
  WaitOuterSent: 'paid',
  Question: 'paid',
  Sent: 'shipped',
  Cancelled: 'closed',
}

/** After-sale (`refund/single/query`) `status` → Quanzi refund status. */
const REFUND_STATUS: Record<string, ErpRefund['status']> = {
  WaitConfirm: 'requested',
  Confirmed: 'completed',
  Cancelled: 'cancelled',
}

export function shopMap(text: string | undefined): Map<string, string> {
  const map = new Map<string, string>()
  for (const line of (text ?? '').split(/\r?\n/)) {
    const index = line.indexOf('=')
    if (index <= 0) continue
    map.set(line.slice(0, index).trim(), line.slice(index + 1).trim())
  }
  return map
}

/** Only a full mainland mobile number identifies a buyer; platforms often mask them. */
function mobile(value: unknown): string | null {
  const text = String(value ?? '').trim()
  return /^1\d{10}$/.test(text) ? text : null
}

export function toOrder(row: any, shops: Map<string, string>): ErpOrder {
  const items = (Array.isArray(row.items) ? row.items : []).map((item: any) => ({
    skuCode: String(item.sku_id ?? ''),
    title: String(item.name ?? item.sku_id ?? ''),
    quantity: Number(item.qty) || 0,
    priceFen: yuanToFen(item.price) ?? 0,
  }))
  const paidAt = parseChinaTime(row.pay_date)
  const orderedAt = parseChinaTime(row.order_date) ?? parseChinaTime(row.modified) ?? new Date()
  const paidFen = yuanToFen(row.pay_amount ?? row.paid_amount) ?? 0
  const goodsFen = items.reduce(
    (sum: number, item: { priceFen: number; quantity: number }) =>
      sum + item.priceFen * item.quantity,
    0
  )
  return {
    platformOrderNo: String(row.so_id ?? row.o_id),
    shopCode: shops.get(String(row.shop_id)) ?? String(row.shop_name ?? row.shop_id ?? ''),
    status: ORDER_STATUS[String(row.status)] ?? (paidAt ? 'paid' : 'pending'),
    orderedAt,
    paidAt,
    paidFen,
    goodsFen: goodsFen || paidFen,
    buyer: {
      phone: mobile(row.receiver_mobile),
      erpCustomerId: row.shop_buyer_id ? String(row.shop_buyer_id) : null,
      name: row.receiver_name ? String(row.receiver_name) : null,
    },
    items,
  }
}

export function toRefund(row: any, shops: Map<string, string>): ErpRefund {
  const status = REFUND_STATUS[String(row.status)] ?? 'requested'
  return {
    platformRefundNo: String(row.as_id),
    platformOrderNo: String(row.so_id ?? row.o_id ?? ''),
    shopCode: shops.get(String(row.shop_id)) ?? String(row.shop_name ?? row.shop_id ?? ''),
    amountFen: yuanToFen(row.refund) ?? 0,
    status,
    requestedAt: parseChinaTime(row.as_date) ?? parseChinaTime(row.created) ?? new Date(),
    completedAt: status === 'completed' ? parseChinaTime(row.confirm_date ?? row.modified) : null,
    reason: row.question_type ? String(row.question_type) : null,
  }
}

export function jushuitanConnector(
  ctx: PluginContext<JushuitanConfig>,
  api = new JushuitanApi(ctx)
): ErpConnector {
  const shops = shopMap(ctx.config.shopMapping)
  /**
   * One page: by modification time (`modified_begin`/`modified_end`), or —
   * orders, once a sync has seen one — by row version (`start_ts`: the rows
   * whose `ts` is after it, the platform's guard against orders missed at
   * window edges). The highest `ts` of the page comes back with it.
   */
  const page = async (
    path: string,
    listKey: string,
    pull: { from: Date; to: Date; cursor: string | null; rowVersion?: string | null }
  ) => {
    const index = pull.cursor ? Number(pull.cursor) : 1
    const range = pull.rowVersion
      ? { start_ts: Number(pull.rowVersion) }
      : { modified_begin: chinaTime(pull.from), modified_end: chinaTime(pull.to) }
    const data = await api.call(path, { ...range, page_index: index, page_size: PAGE_SIZE })
    const rows = Array.isArray(data[listKey]) ? data[listKey] : []
    let rowVersion: string | null = null
    for (const row of rows) {
      const ts = row.ts === undefined || row.ts === null ? '' : String(row.ts)
      if (/^\d+$/.test(ts) && (rowVersion === null || BigInt(ts) > BigInt(rowVersion))) {
        rowVersion = ts
      }
    }
    return {
      rows,
      next: data.has_next === true && rows.length > 0 ? String(index + 1) : null,
      rowVersion,
    }
  }
  /**
   * 店铺商品资料 (`skumap/query`) modified in one window, every page: each
   * listing's own code (`sku_id`, 线上商品编码) and the ERP SKU it is linked
   * to on the 商品对应关系 page (`link_sku_id`; empty or the same code: none).
   */
  const skuLinks = async (from: Date, to: Date) => {
    const links = []
    for (let index = 1; ; index++) {
      const data = await api.call('/open/skumap/query', {
        modified_begin: chinaTime(from),
        modified_end: chinaTime(to),
        page_index: index,
        page_size: SKU_MAP_PAGE_SIZE,
        ...(ctx.config.skuMappingShopId ? { shop_id: Number(ctx.config.skuMappingShopId) } : {}),
      })
      const rows = Array.isArray(data.datas) ? data.datas : []
      for (const row of rows) {
        links.push({
          key: `${row.shop_id}:${row.sku_id}`,
          erpSku: String(row.link_sku_id ?? '').trim(),
          skuCode: String(row.sku_id ?? '').trim(),
        })
      }
      if (data.has_next !== true || rows.length === 0) return links
    }
  }
  return {
    id: ctx.id,
    capabilities: {
      maxWindowMinutes: MAX_WINDOW_MINUTES,
      pageSize: PAGE_SIZE,
      rowVersionCursor: true,
      stockWriteMode: 'absolute',
      ratePerSecond: LIMITS.perSecond,
      ratePerMinute: LIMITS.perMinute,
      syncEveryMinutes: ctx.config.syncEveryMinutes,
    },
    async pullOrders(pull) {
      const { rows, next, rowVersion } = await page('/open/orders/single/query', 'orders', pull)
      return { rows: rows.map((row: any) => toOrder(row, shops)), nextCursor: next, rowVersion }
    },
    /** After-sales by time only: no source gave `start_ts` for `refund/single/query`. */
    async pullRefunds({ from, to, cursor }) {
      const { rows, next } = await page('/open/refund/single/query', 'datas', { from, to, cursor })
      return { rows: rows.map((row: any) => toRefund(row, shops)), nextCursor: next }
    },
    /**
     * 新建盘点单 (`inventoryv2/upload`): sets each SKU's quantity in the
     * configured warehouse; the idempotency key is the document's `so_id`,
     * so the platform itself refuses a second document with the same key.
     */
    async pushStock(items, idempotencyKey) {
      if (items.length === 0) return
      await api.call(
        '/open/jushuitan/inventoryv2/upload',
        {
          so_id: idempotencyKey.slice(0, 50),
          warehouse: ctx.config.stockWarehouse,
          type: 'check',
          is_confirm: true,
          items: items.map((item) => ({ sku_id: item.skuCode, qty: item.quantity })),
        },
        { once: true }
      )
    },
    ...(ctx.config.skuMappingDays > 0
      ? {
          skuMappings: () =>
            readErpSkuMappings({
              kv: ctx.kv,
              key: `sku-mappings:${ctx.config.skuMappingShopId ?? 'all'}`,
              now: new Date(),
              historyDays: ctx.config.skuMappingDays,
              windowMinutes: MAX_WINDOW_MINUTES,
              readWindow: skuLinks,
            }),
        }
      : {}),
  }
}

export default definePlugin<JushuitanConfig>({
  register(ctx) {
    ctx.registries.erp.register(jushuitanConnector(ctx))
  },
  /** Gets (or refreshes) a token and lists the shops the app may read: nothing is written. */
  async testConnection(ctx) {
    try {
      const data = await new JushuitanApi(ctx).call('/open/shops/query', {
        page_index: 1,
        page_size: 100,
      })
      const shops = Array.isArray(data.shops) ? data.shops : []
      const names = shops.map((shop: any) => shop.shop_name).filter(Boolean)
      return {
        ok: true,
        detail: `${shops.length} shop(s)${names.length ? `: ${names.slice(0, 5).join(', ')}` : ''}`,
      }
    } catch (error) {
      const detail = error instanceof PluginError ? error.message : (error as Error).message
      return { ok: false, detail }
    }
  },
})
