import { createHash } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { chinaTime, FakeHttpServer, parseChinaTime } from '#tests/fakes/_support/fake_http_server'

/**
 * A local stand-in for the 旺店通 企业版 open API (openapi2). Checks each
 * request as published clients and a published server-side check agree:
 * form-encoded POST, `sid`/`appkey`/`timestamp`/`sign`, the signature
 * recomputed here from the parameters as received (its own code, checked
 * against the documentation's worked example in the tests), a timestamp
 * within five minutes (code 100, like a bad key or signature). Answers
 * trade_query.php (orders modified within at most 60 minutes per query,
 * pages from 0, `total_count` + `trades`), refund_query.php (`refunds`) and
 * stock_sync_by_pd.php, with code 0 on success; vip_api_goods_query.php
 * (平台货品: each shop listing and the ERP single item it is matched to,
 * `goods_list`, optionally one shop's by `shop_no`).
 *
 * Assumptions of this fake, not of the documentation: a platform-goods query
 * longer than 30 days (the window published clients walk it by), a query longer than
 * an hour, a bad page size or a repeated `outer_no` answer code 1; calls
 * over `perSecond` answer `throttleCode` (1020, one of the codes published
 * clients retry; its documented meaning was not found).
 */
export interface FakeWdtTrade {
  trade_no: string
  src_tids: string
  shop_no: string
  shop_name: string
  trade_status: number
  trade_time: string
  pay_time: string | null
  modified: string
  paid: string
  goods_amount: string
  receiver_name: string | null
  receiver_mobile: string | null
  customer_no: string | null
  goods_list: Array<{ spec_no: string; goods_name: string; num: string; order_price: string }>
}

export interface FakeWdtRefund {
  refund_no: string
  tid: string
  shop_no: string
  shop_name: string
  type: number
  process_status: number
  refund_amount: string
  actual_refund_amount: string
  refund_time: string
  finish_time: string | null
  modified: string
  refund_reason: string | null
}

/** A platform listing (平台货品) and what it is matched to (match_target_type 1: a single item). */
export interface FakeWdtApiGoods {
  rec_id: number
  shop_no: string
  shop_name: string
  platform_id: number
  api_goods_id: string
  api_spec_id: string
  api_goods_name: string
  /** 平台商家编码: the listing's own code. */
  spec_outer_id: string
  outer_id: string
  match_target_type: number
  /** The matched ERP item's 商家编码 (spec_no); empty when unmatched. */
  merchant_no: string
  is_deleted: number
  status: number
  modified: string
}

export class FakeWangdiantong extends FakeHttpServer {
  sid = 'fakesid'
  appKey = 'fakesid-quanzi'
  appSecret = 'fake-wdt-secret'
  perSecond = 5
  throttleCode = 1020
  maxWindowMs = 3600_000
  maxGoodsWindowMs = 30 * 24 * 3600_000
  warehouses = new Set(['WH001'])
  trades: FakeWdtTrade[] = []
  refunds: FakeWdtRefund[] = []
  apiGoods: FakeWdtApiGoods[] = []
  stockCounts = new Map<
    string,
    { warehouse_no: string; is_adjust_stock: string; goods_list: any[] }
  >()
  requests: Array<{ method: string; code: number; params: Record<string, string> }> = []
  #accepted: number[] = []

  /** The API's address includes its `/openapi2` path. */
  async start(port = 0): Promise<string> {
    this.url = `${await super.start(port)}/openapi2`
    return this.url
  }

  /** `NN-name:MMMM-value` joined by `;`, then the secret; MD5, lower-case hex. Lengths in characters. */
  static sign(params: Record<string, string>, secret: string): string {
    const parts: string[] = []
    for (const name of Object.keys(params).sort()) {
      if (name === 'sign') continue
      const value = params[name]
      const nameLength = Array.from(name).length
      const valueLength = Array.from(value).length
      parts.push(
        `${nameLength < 10 ? '0' : ''}${nameLength}-${name}:${String(valueLength).padStart(4, '0')}-${value}`
      )
    }
    return createHash('md5')
      .update(Buffer.from(parts.join(';') + secret, 'utf8'))
      .digest('hex')
  }

  static parseTime(text: string): number {
    return parseChinaTime(text)
  }

  static formatTime(ms: number): string {
    return chinaTime(new Date(ms))
  }

  /**
   * The calls to `method` not refused for the rate. A busy test process can land a call beside
   * the next one; the connector then waits and repeats it, which a count of reads must allow.
   */
  answered(method: string) {
    return this.requests.filter((r) => r.method === method && r.code !== this.throttleCode)
  }

  codes(method?: string): number[] {
    return this.requests.filter((r) => !method || r.method === method).map((r) => r.code)
  }

  protected async handle(req: IncomingMessage, res: ServerResponse, raw: string) {
    const url = new URL(req.url ?? '/', 'http://fake')
    const method = url.pathname.replace(/^\/openapi2\//, '')
    const params = Object.fromEntries(new URLSearchParams(raw))
    const answer = (code: number, message: string, data: Record<string, unknown> = {}) => {
      this.requests.push({ method, code, params })
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' })
      res.end(JSON.stringify({ code, message, ...data }))
    }
    if (req.method !== 'POST') return answer(1, '仅支持 POST')
    if (params.appkey !== this.appKey) return answer(100, `无效appkey:${params.appkey ?? ''}`)
    const skew = Date.now() / 1000 - Number(params.timestamp)
    if (!Number.isFinite(skew) || skew > 300 || skew < -300) return answer(100, '无效timestamp')
    if (params.sign !== FakeWangdiantong.sign(params, this.appSecret)) {
      return answer(100, '无效sign')
    }
    if (params.sid !== this.sid) return answer(100, `无效sid:${params.sid ?? ''}`)
    const now = Date.now()
    this.#accepted = this.#accepted.filter((at) => at > now - 1000)
    if (this.#accepted.length >= this.perSecond) return answer(this.throttleCode, '调用过于频繁')
    this.#accepted.push(now)

    if (method === 'trade_query.php') return this.#query(params, this.trades, 'trades', answer)
    if (method === 'refund_query.php') return this.#query(params, this.refunds, 'refunds', answer)
    if (method === 'vip_api_goods_query.php') {
      const rows = this.apiGoods.filter((row) => !params.shop_no || row.shop_no === params.shop_no)
      return this.#query(params, rows, 'goods_list', answer, this.maxGoodsWindowMs)
    }
    if (method === 'stock_sync_by_pd.php') {
      if (!this.warehouses.has(params.warehouse_no)) {
        return answer(1, `仓库不存在:${params.warehouse_no ?? ''}`)
      }
      let goods: any
      try {
        goods = JSON.parse(params.goods_list ?? '')
      } catch {
        return answer(1, 'goods_list 不是 JSON')
      }
      if (!Array.isArray(goods) || goods.length === 0) return answer(1, 'goods_list 不能为空')
      const key = params.outer_no || `PD${this.stockCounts.size + 1}`
      if (this.stockCounts.has(key)) return answer(1, `外部单号已存在:${key}`)
      this.stockCounts.set(key, {
        warehouse_no: params.warehouse_no,
        is_adjust_stock: params.is_adjust_stock,
        goods_list: goods,
      })
      return answer(0, '')
    }
    return answer(1, `接口不存在:${method}`)
  }

  #query(
    params: Record<string, string>,
    source: Array<{ modified: string }>,
    key: string,
    answer: (code: number, message: string, data?: Record<string, unknown>) => void,
    maxWindowMs = this.maxWindowMs
  ) {
    const start = FakeWangdiantong.parseTime(params.start_time)
    const end = FakeWangdiantong.parseTime(params.end_time)
    if (Number.isNaN(start) || Number.isNaN(end) || end < start) {
      return answer(1, 'start_time/end_time 格式错误')
    }
    if (end - start > maxWindowMs) {
      return answer(1, `开始时间和结束时间的间隔不能超过${maxWindowMs / 3600_000}小时`)
    }
    const pageNo = Number(params.page_no ?? 0)
    const pageSize = Number(params.page_size ?? 40)
    if (!Number.isInteger(pageNo) || pageNo < 0) return answer(1, 'page_no 错误')
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100) {
      return answer(1, 'page_size 须在 1~100')
    }
    const rows = source
      .filter((row) => {
        const at = FakeWangdiantong.parseTime(row.modified)
        return at >= start && at <= end
      })
      .sort((a, b) => a.modified.localeCompare(b.modified))
    return answer(0, '', {
      total_count: rows.length,
      [key]: rows.slice(pageNo * pageSize, (pageNo + 1) * pageSize),
    })
  }
}
