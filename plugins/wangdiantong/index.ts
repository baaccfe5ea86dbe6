import {
  chinaTime,
  definePlugin,
  type ErpConnector,
  type ErpOrder,
  type ErpRefund,
  HttpTransportError,
  parseChinaTime,
  type PluginContext,
  PluginError,
  readErpSkuMappings,
  yuanToFen,
} from '#plugin-sdk'
import { wdtSign } from './protocol.js'

export interface WangdiantongConfig {
  /** The API gateway including its path (…/openapi2), without a trailing slash. */
  baseUrl: string
  /** 卖家账号 */
  sid: string
  appKey: string
  appSecret: string
  /** Calls a second; published clients pace themselves at about one. */
  ratePerSecond: number
  /** `shop_no=Quanzi shop name`, one a line; optional. */
  shopMapping?: string
  /** Warehouse (`warehouse_no`) that stock pushes count; needed for pushes. */
  warehouseNo?: string
  /** `is_adjust_stock` sent with a stock count. */
  isAdjustStock: string
  syncEveryMinutes: number
  /** Days of 平台货品 the first SKU-mapping read walks back; 0: no SKU mappings. */
  skuMappingDays: number
  /** Only this shop's platform goods (`shop_no`) give SKU mappings; optional. */
  skuMappingShopNo?: string
}

/** trade_query answers at most one hour of modification time per query. */
export const MAX_WINDOW_MINUTES = 60
/** The API takes page_size 1–100; pages are numbered from 0. */
export const PAGE_SIZE = 100
/**
 * vip_api_goods_query is read in windows of 30 days: published clients walk it so; its documented
 * limit was not found.
 */
export const GOODS_WINDOW_MINUTES = 30 * 24 * 60

/** Codes a published client retries after a pause (busy or temporary conditions). */
const RETRY_CODES = new Set([1012, 1013, 1020, 1030, 1040, 1200, 1610])
/**
 * 调用过于频繁: refused before anything was done, so even a call that must not run twice
 * (a stock count) is repeated. Our gate keeps 5 % under the rate, but a call delayed by a
 * busy process can still land beside the next one.
 */
const THROTTLED = 1020

export function wdtError(code: number, message: string): PluginError {
  const kind = code === 100 ? 'auth' : RETRY_CODES.has(code) ? 'transient' : 'content_rejected'
  return new PluginError(kind, `旺店通 ${code}: ${message}`, String(code))
}

/** trade_status → Quanzi order status. */
export function orderStatus(code: number): ErpOrder['status'] {
  if (code === 5) return 'closed'
  if (code <= 15) return 'pending'
  if (code === 95 || code === 113) return 'shipped'
  if (code >= 110) return 'completed'
  return 'paid'
}

/** refund process_status → Quanzi refund status. */
export function refundStatus(code: number): ErpRefund['status'] {
  if (code === 10) return 'cancelled'
  if (code === 40) return 'rejected'
  if (code === 90) return 'completed'
  if (code >= 30) return 'approved'
  return 'requested'
}

function lines(text: string | undefined): Map<string, string> {
  const map = new Map<string, string>()
  for (const line of (text ?? '').split(/\r?\n/)) {
    const index = line.indexOf('=')
    if (index > 0) map.set(line.slice(0, index).trim(), line.slice(index + 1).trim())
  }
  return map
}

function mobile(value: unknown): string | null {
  const text = String(value ?? '').trim()
  return /^1\d{10}$/.test(text) ? text : null
}

export function toOrder(row: any, shops: Map<string, string>): ErpOrder {
  const srcTids = String(row.src_tids ?? '').trim()
  const items = (Array.isArray(row.goods_list) ? row.goods_list : []).map((item: any) => ({
    skuCode: String(item.spec_no ?? ''),
    title: String(item.goods_name ?? item.spec_no ?? ''),
    quantity: Number(item.num) || 0,
    priceFen: yuanToFen(item.order_price) ?? yuanToFen(item.price) ?? 0,
  }))
  const paidFen = yuanToFen(row.paid) ?? 0
  return {
    // A system order merged from several platform orders is kept under its own number.
    platformOrderNo: srcTids && !srcTids.includes(',') ? srcTids : String(row.trade_no),
    shopCode: shops.get(String(row.shop_no)) ?? String(row.shop_name ?? row.shop_no ?? ''),
    status: orderStatus(Number(row.trade_status)),
    orderedAt: parseChinaTime(row.trade_time) ?? parseChinaTime(row.created) ?? new Date(),
    paidAt: parseChinaTime(row.pay_time),
    paidFen,
    goodsFen: yuanToFen(row.goods_amount) ?? paidFen,
    buyer: {
      phone: mobile(row.receiver_mobile),
      erpCustomerId: row.customer_no ? String(row.customer_no) : null,
      name: row.receiver_name ? String(row.receiver_name) : null,
    },
    items,
  }
}

export function toRefund(row: any, shops: Map<string, string>): ErpRefund {
  const status = refundStatus(Number(row.process_status))
  const actual = yuanToFen(row.actual_refund_amount)
  return {
    platformRefundNo: String(row.refund_no),
    platformOrderNo: String(row.tid ?? row.sales_tid ?? ''),
    shopCode: shops.get(String(row.shop_no)) ?? String(row.shop_name ?? row.shop_no ?? ''),
    amountFen:
      status === 'completed' && actual ? actual : (yuanToFen(row.refund_amount) ?? actual ?? 0),
    status,
    requestedAt: parseChinaTime(row.refund_time) ?? parseChinaTime(row.created) ?? new Date(),
    completedAt: status === 'completed' ? parseChinaTime(row.finish_time ?? row.modified) : null,
    reason: row.refund_reason ? String(row.refund_reason) : null,
  }
}

/** Signs and posts one call; resolves with the whole answer when `code` is 0. */
export async function callWdt(
  ctx: PluginContext<WangdiantongConfig>,
  method: string,
  params: Record<string, string>,
  options: { once?: boolean } = {}
): Promise<any> {
  for (let attempt = 0; ; attempt++) {
    const full: Record<string, string> = {
      ...params,
      sid: ctx.config.sid,
      appkey: ctx.config.appKey,
      timestamp: String(Math.floor(Date.now() / 1000)),
    }
    full.sign = wdtSign(full, ctx.config.appSecret)
    let response
    try {
      response = await ctx.http.request(`${ctx.config.baseUrl.replace(/\/+$/, '')}/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
        body: new URLSearchParams(full).toString(),
        timeoutMs: 30_000,
        retries: options.once ? 0 : 2,
        rateLimit: { key: `wangdiantong-api:${ctx.id}`, perSecond: ctx.config.ratePerSecond },
      })
    } catch (error) {
      if (error instanceof HttpTransportError) {
        // A timeout on a one-shot call may have been carried out: not retryable.
        throw new PluginError('transient', `旺店通 ${method}: ${error.message}`, null, {
          cause: error,
          retryable: !(options.once && /timed out/.test(error.message)),
        })
      }
      throw error
    }
    const answer = response.json
    if (response.status !== 200 || !answer || typeof answer !== 'object') {
      throw new PluginError(
        response.status >= 500 ? 'transient' : 'content_rejected',
        `旺店通 ${method}: HTTP ${response.status} ${response.text.slice(0, 200)}`,
        `HTTP ${response.status}`
      )
    }
    const code = Number(answer.code)
    if (code === 0) return answer
    if (RETRY_CODES.has(code) && attempt === 0 && (!options.once || code === THROTTLED)) {
      await new Promise((resolve) => setTimeout(resolve, 1000))
      continue
    }
    throw wdtError(code, String(answer.message ?? answer.msg ?? ''))
  }
}

export function wangdiantongConnector(ctx: PluginContext<WangdiantongConfig>): ErpConnector {
  const shops = lines(ctx.config.shopMapping)
  const page = async (method: string, key: string, from: Date, to: Date, cursor: string | null) => {
    const pageNo = cursor ? Number(cursor) : 0
    const answer = await callWdt(ctx, method, {
      start_time: chinaTime(from),
      end_time: chinaTime(to),
      page_no: String(pageNo),
      page_size: String(PAGE_SIZE),
    })
    const rows = Array.isArray(answer[key]) ? answer[key] : []
    const total = Number(answer.total_count)
    const more =
      rows.length === PAGE_SIZE && (!Number.isFinite(total) || (pageNo + 1) * PAGE_SIZE < total)
    return { rows, next: more ? String(pageNo + 1) : null }
  }
  /**
   * 平台货品 (`vip_api_goods_query`) modified in one window, every page: each
   * listing's own code (`spec_outer_id`) and the code of the single item it
   * is matched to (`merchant_no`, the `spec_no` orders carry). Listings
   * matched to a suite (match_target_type 2) map to none: an order line is
   * a single item.
   */
  const skuLinks = async (from: Date, to: Date) => {
    const links = []
    for (let cursor: string | null = null; ;) {
      const pageNo: number = cursor ? Number(cursor) : 0
      const answer = await callWdt(ctx, 'vip_api_goods_query.php', {
        start_time: chinaTime(from),
        end_time: chinaTime(to),
        page_no: String(pageNo),
        page_size: String(PAGE_SIZE),
        ...(ctx.config.skuMappingShopNo ? { shop_no: ctx.config.skuMappingShopNo } : {}),
      })
      const rows = Array.isArray(answer.goods_list) ? answer.goods_list : []
      for (const row of rows) {
        links.push({
          key: `${row.shop_no}:${row.api_goods_id}:${row.api_spec_id}`,
          erpSku: Number(row.match_target_type) === 1 ? String(row.merchant_no ?? '').trim() : '',
          skuCode: String(row.spec_outer_id ?? '').trim(),
        })
      }
      const total = Number(answer.total_count)
      const more =
        rows.length === PAGE_SIZE && (!Number.isFinite(total) || (pageNo + 1) * PAGE_SIZE < total)
      if (!more) return links
      cursor = String(pageNo + 1)
    }
  }
  return {
    id: ctx.id,
    capabilities: {
      maxWindowMinutes: MAX_WINDOW_MINUTES,
      pageSize: PAGE_SIZE,
      rowVersionCursor: false,
      stockWriteMode: ctx.config.warehouseNo ? 'absolute' : 'none',
      ratePerSecond: ctx.config.ratePerSecond,
      syncEveryMinutes: ctx.config.syncEveryMinutes,
    },
    async pullOrders({ from, to, cursor }) {
      const { rows, next } = await page('trade_query.php', 'trades', from, to, cursor)
      return { rows: rows.map((row: any) => toOrder(row, shops)), nextCursor: next }
    },
    async pullRefunds({ from, to, cursor }) {
      const { rows, next } = await page('refund_query.php', 'refunds', from, to, cursor)
      return { rows: rows.map((row: any) => toRefund(row, shops)), nextCursor: next }
    },
    /**
     * 创建盘点单 (`stock_sync_by_pd.php`): the counted quantities replace the
     * warehouse's stock; the idempotency key goes as `outer_no`.
     */
    async pushStock(items, idempotencyKey) {
      if (!ctx.config.warehouseNo) {
        throw new PluginError('content_rejected', '旺店通: no warehouse configured for stock')
      }
      if (items.length === 0) return
      await callWdt(
        ctx,
        'stock_sync_by_pd.php',
        {
          warehouse_no: ctx.config.warehouseNo,
          is_adjust_stock: ctx.config.isAdjustStock,
          outer_no: idempotencyKey.slice(0, 40),
          goods_list: JSON.stringify(
            items.map((item) => ({ spec_no: item.skuCode, stock_num: item.quantity }))
          ),
        },
        { once: true }
      )
    },
    ...(ctx.config.skuMappingDays > 0
      ? {
          skuMappings: () =>
            readErpSkuMappings({
              kv: ctx.kv,
              key: `sku-mappings:${ctx.config.skuMappingShopNo ?? 'all'}`,
              now: new Date(),
              historyDays: ctx.config.skuMappingDays,
              windowMinutes: GOODS_WINDOW_MINUTES,
              readWindow: skuLinks,
            }),
        }
      : {}),
  }
}

export default definePlugin<WangdiantongConfig>({
  register(ctx) {
    ctx.registries.erp.register(wangdiantongConnector(ctx))
  },
  /** Reads the last ten minutes of orders (one row): proves sid, appkey, secret and clock. */
  async testConnection(ctx) {
    try {
      const now = new Date()
      const answer = await callWdt(ctx, 'trade_query.php', {
        start_time: chinaTime(new Date(now.getTime() - 10 * 60_000)),
        end_time: chinaTime(now),
        page_no: '0',
        page_size: '1',
      })
      return {
        ok: true,
        detail: `trade_query: ${Number(answer.total_count) || 0} order(s) in 10 min`,
      }
    } catch (error) {
      return { ok: false, detail: (error as Error).message }
    }
  },
})
