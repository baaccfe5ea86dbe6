import { createHash, randomBytes } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { chinaTime, FakeHttpServer, parseChinaTime } from '#tests/fakes/_support/fake_http_server'

/**
 * A local stand-in for the 聚水潭 open platform, for the jushuitan
 * connector's tests and for trying it by hand. It checks each request the
 * way the platform is documented to: form-encoded POST, the MD5 signature
 * recomputed here from the parameters as received (its own code, checked
 * against a published vector in the tests), a timestamp within ten minutes,
 * a live access token; it limits each app to 5 calls a second and 100 a
 * minute, and each query to seven days of modification time; it pages, and
 * answers with the platform's envelope and error codes:
 *
 * `skumap/query` (店铺商品资料查询) answers the shop listings with the ERP SKU each is
 * linked to: by modification window (≤ 7 days) or by up to 20 online codes
 * (`sku_ids`), at most 50 a page, optionally one shop's (`shop_id`).
 *
 *   0 ok · 100 token expired/invalid · 120 bad sign · 140 bad parameter ·
 *   160 not saved · 180 bad timestamp · 199 too frequent (per second) ·
 *   200 over the minute's limit
 */
export interface FakeJstOrder {
  o_id: number
  so_id: string
  shop_id: number
  shop_name: string
  status: string
  order_date: string
  pay_date: string | null
  modified: string
  pay_amount: string
  receiver_name: string | null
  receiver_mobile: string | null
  shop_buyer_id: string | null
  items: Array<{ sku_id: string; name: string; qty: number; price: string; amount: string }>
  /** Row version: stamped by the fake, higher each time the order changes (`modified`). */
  ts?: number
}

export interface FakeJstRefund {
  as_id: number
  o_id: number
  so_id: string
  shop_id: number
  shop_name: string
  status: string
  type: string
  refund: string
  as_date: string
  modified: string
  confirm_date: string | null
  question_type: string | null
  items: Array<{ sku_id: string; qty: number; price: string }>
}

/** A shop listing (店铺商品资料) and the ERP SKU it is linked to (商品对应关系). */
export interface FakeJstSkuMap {
  shop_id: number
  channel: string
  /** 线上商品编码: the listing's own merchant code. */
  sku_id: string
  i_id: string
  shop_sku_id: string
  shop_i_id: string
  name: string
  enabled: boolean
  modified: string
  link_modified: string | null
  /** 对应商品编码: the ERP SKU; empty when the listing is not linked to another code. */
  link_sku_id: string
}

interface Token {
  access: string
  refresh: string
  expiresAt: number
  revoked: boolean
}

export class FakeJushuitan extends FakeHttpServer {
  appKey = 'fake-app-key-0001'
  appSecret = 'fake-app-secret-0001'
  /** Seconds a token lives. */
  tokenLifetime = 2_592_000
  perSecond = 5
  perMinute = 100
  maxWindowMs = 7 * 24 * 3600_000
  maxPageSize = 100
  shops = [
    { shop_id: 10001, shop_name: 'tmall', shop_site: '天猫' },
    { shop_id: 10002, shop_name: 'jd', shop_site: '京东' },
  ]
  orders: FakeJstOrder[] = []
  refunds: FakeJstRefund[] = []
  skuMaps: FakeJstSkuMap[] = []
  /** Stock documents received (inventoryv2/upload), by so_id. */
  stockDocuments = new Map<
    string,
    { warehouse: number; items: Array<{ sku_id: string; qty: number }> }
  >()
  /** Every request: path, answer code, biz. */
  requests: Array<{ path: string; code: number; at: number; biz: any }> = []
  tokens: Token[] = []
  #accepted: number[] = []

  /** Every issued token stops working (as after expiry); refresh tokens still work. */
  expireTokens() {
    for (const token of this.tokens) token.expiresAt = 0
  }

  /** The signature, computed here independently of the connector's code. */
  static sign(params: Record<string, string>, secret: string): string {
    const names = Object.keys(params)
      .filter((name) => name !== 'sign' && params[name] !== '')
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    const text = secret + names.map((name) => `${name}${params[name]}`).join('')
    return createHash('md5').update(Buffer.from(text, 'utf8')).digest('hex')
  }

  /** China time `yyyy-MM-dd HH:mm:ss` → epoch ms. */
  static parseTime(text: string): number {
    return parseChinaTime(text)
  }

  static formatTime(ms: number): string {
    return chinaTime(new Date(ms))
  }

  protected async handle(req: IncomingMessage, res: ServerResponse, raw: string) {
    const url = new URL(req.url ?? '/', 'http://fake')
    let biz: any = null
    const answer = (code: number, msg: string, data: unknown = null) => {
      this.requests.push({ path: url.pathname, code, at: Date.now(), biz })
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' })
      res.end(JSON.stringify({ code, msg, data }))
    }
    if (url.pathname === '/_fake/state') {
      res.writeHead(200, { 'content-type': 'application/json' })
      return res.end(
        JSON.stringify({
          orders: this.orders.length,
          refunds: this.refunds.length,
          stock: [...this.stockDocuments.entries()],
        })
      )
    }
    if (req.method !== 'POST') return answer(140, '仅支持 POST')
    const contentType = String(req.headers['content-type'] ?? '')
    if (!contentType.startsWith('application/x-www-form-urlencoded')) {
      return answer(140, 'Content-Type 须为 application/x-www-form-urlencoded')
    }
    const params = Object.fromEntries(new URLSearchParams(raw))

    if (params.app_key !== this.appKey) return answer(100, '合作者授权参数有误: app_key')
    if (!params.sign || params.sign !== FakeJushuitan.sign(params, this.appSecret)) {
      return answer(120, '签名错误')
    }
    const ts = Number(params.timestamp)
    if (!Number.isInteger(ts) || Math.abs(Date.now() / 1000 - ts) > 600) {
      return answer(180, '请求时间戳 TS 无效')
    }
    if (!this.#underLimits()) {
      return answer(this.#lastLimit, this.#lastLimit === 199 ? '调用太频繁' : '调用频次超过限制')
    }

    if (url.pathname === '/openWeb/auth/getInitToken') {
      if (
        params.grant_type !== 'authorization_code' ||
        !params.code ||
        params.charset !== 'utf-8'
      ) {
        return answer(140, 'grant_type/code/charset 参数不符合规范')
      }
      return answer(0, '执行成功', this.#issue())
    }
    if (url.pathname === '/openWeb/auth/refreshToken') {
      const token = this.tokens.find((t) => t.refresh === params.refresh_token && !t.revoked)
      if (params.grant_type !== 'refresh_token' || !token) {
        return answer(100, 'refresh_token 无效')
      }
      token.revoked = true
      return answer(0, '执行成功', this.#issue())
    }

    const token = this.tokens.find((t) => t.access === params.access_token && !t.revoked)
    if (!token || token.expiresAt <= Date.now())
      return answer(100, '合作者授权参数有误或 Token 超时')
    if (params.version !== '2' || params.charset !== 'utf-8') {
      return answer(140, 'version/charset 参数不符合规范')
    }
    try {
      biz = JSON.parse(params.biz ?? '')
    } catch {
      return answer(130, '传输数据不能为空或不是 JSON')
    }

    if (url.pathname === '/open/shops/query') {
      return answer(0, '执行成功', { shops: this.shops, has_next: false, page_index: 1 })
    }
    if (url.pathname === '/open/orders/single/query') {
      this.#stampVersions()
      if (biz.start_ts !== undefined) {
        // By row version: the orders changed after `start_ts`, in version order.
        const since = Number(biz.start_ts)
        if (!Number.isSafeInteger(since) || since < 0) return answer(140, 'start_ts 不符合规范')
        const changed = this.orders.filter((order) => order.ts! > since)
        changed.sort((a, b) => a.ts! - b.ts!)
        return this.#page({ ...biz, all: true }, changed, 'orders', answer, this.maxPageSize, false)
      }
      return this.#page(biz, this.orders, 'orders', answer)
    }
    if (url.pathname === '/open/refund/single/query') {
      return this.#page(biz, this.refunds, 'datas', answer)
    }
    if (url.pathname === '/open/skumap/query') {
      const shopId = biz.shop_id === undefined ? null : Number(biz.shop_id)
      const inShop = this.skuMaps.filter((row) => shopId === null || row.shop_id === shopId)
      if (biz.sku_ids !== undefined && biz.modified_begin === undefined) {
        const codes = String(biz.sku_ids)
          .split(',')
          .map((code) => code.trim())
          .filter(Boolean)
        if (codes.length === 0 || codes.length > 20) return answer(140, 'sku_ids 最多 20 个')
        const rows = inShop.filter((row) => codes.includes(row.sku_id))
        return this.#page({ ...biz, all: true }, rows, 'datas', answer, 50)
      }
      return this.#page(biz, inShop, 'datas', answer, 50)
    }
    if (url.pathname === '/open/jushuitan/inventoryv2/upload') {
      if (!biz.so_id || !Array.isArray(biz.items) || biz.items.length === 0) {
        return answer(140, 'so_id 和 items 必填')
      }
      if (this.stockDocuments.has(biz.so_id)) return answer(160, `外部单号 ${biz.so_id} 已存在`)
      this.stockDocuments.set(biz.so_id, { warehouse: Number(biz.warehouse), items: biz.items })
      return answer(0, '执行成功', { io_id: 900000 + this.stockDocuments.size })
    }
    return answer(190, '接口无权限')
  }

  #page(
    biz: any,
    source: Array<{ modified: string }>,
    key: string,
    answer: (code: number, msg: string, data?: unknown) => void,
    maxPageSize = this.maxPageSize,
    byModified = true
  ) {
    const begin = FakeJushuitan.parseTime(biz.modified_begin)
    const end = FakeJushuitan.parseTime(biz.modified_end)
    if (!biz.all) {
      if (Number.isNaN(begin) || Number.isNaN(end) || end < begin) {
        return answer(140, 'modified_begin/modified_end 参数不符合规范')
      }
      if (end - begin > this.maxWindowMs) return answer(140, '查询时间范围不能超过 7 天')
    }
    const pageIndex = Number(biz.page_index ?? 1)
    const pageSize = Number(biz.page_size ?? 30)
    if (!Number.isInteger(pageIndex) || pageIndex < 1) return answer(140, 'page_index 不符合规范')
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > maxPageSize) {
      return answer(140, `page_size 须在 1–${maxPageSize}`)
    }
    const rows = source.filter((row) => {
      if (biz.all) return true
      const at = FakeJushuitan.parseTime(row.modified)
      return at >= begin && at <= end
    })
    if (byModified) rows.sort((a, b) => a.modified.localeCompare(b.modified))
    const slice = rows.slice((pageIndex - 1) * pageSize, pageIndex * pageSize)
    return answer(0, '执行成功', {
      page_index: pageIndex,
      page_size: pageSize,
      data_count: rows.length,
      page_count: Math.ceil(rows.length / pageSize),
      has_next: pageIndex * pageSize < rows.length,
      [key]: slice,
    })
  }

  #lastLimit = 199

  #lastTs = 7_000_000
  #stamped = new WeakMap<FakeJstOrder, string>()

  /** Row versions as the platform keeps them: a new, higher `ts` whenever an order changes. */
  #stampVersions() {
    for (const order of this.orders) {
      if (this.#stamped.get(order) === order.modified && order.ts !== undefined) continue
      order.ts = ++this.#lastTs
      this.#stamped.set(order, order.modified)
    }
  }

  /** Sliding windows over accepted calls: 5 in any second, 100 in any minute. */
  #underLimits(): boolean {
    const now = Date.now()
    this.#accepted = this.#accepted.filter((at) => at > now - 60_000)
    const lastSecond = this.#accepted.filter((at) => at > now - 1000).length
    if (lastSecond >= this.perSecond) {
      this.#lastLimit = 199
      return false
    }
    if (this.#accepted.length >= this.perMinute) {
      this.#lastLimit = 200
      return false
    }
    this.#accepted.push(now)
    return true
  }

  #issue() {
    const token: Token = {
      access: randomBytes(16).toString('hex'),
      refresh: randomBytes(16).toString('hex'),
      expiresAt: Date.now() + this.tokenLifetime * 1000,
      revoked: false,
    }
    this.tokens.push(token)
    return {
      access_token: token.access,
      expires_in: this.tokenLifetime,
      refresh_token: token.refresh,
      scope: 'all',
    }
  }

  /** Answers by code, for assertions. */
  /**
   * The calls to `path` not refused for the rate (199, 200). A busy test process can land a call
   * beside the next one; the connector then waits and repeats it, which a count of reads must allow.
   */
  answered(path: string) {
    return this.requests.filter((r) => r.path === path && r.code !== 199 && r.code !== 200)
  }

  codes(path?: string): number[] {
    return this.requests.filter((r) => !path || r.path === path).map((r) => r.code)
  }
}
