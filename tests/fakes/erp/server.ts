import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface FakeErpOrder {
  no: string
  shop: string
  status: string
  ordered_at: string
  modified_at: string
  paid_fen: number
  phone: string | null
  name: string | null
  items: Array<{ sku: string; title: string; qty: number; price_fen: number }>
}

export interface FakeErpRefund {
  no: string
  order_no: string
  shop: string
  status: string
  amount_fen: number
  requested_at: string
  modified_at: string
}

/**
 * A JSON ERP with the limits real ones have: `GET /orders` and
 * `GET /refunds` with `from`/`to` (modification time, ISO) and `page`,
 * a bearer key, a maximum query window (400 beyond it), fixed page size,
 * `GET /sku-mappings` (the ERP's SKU codes against the shop's),
 * and 429 throttling on demand.
 */
export class FakeErp {
  readonly apiKey = 'erp-key'
  orders: FakeErpOrder[] = []
  refunds: FakeErpRefund[] = []
  /** 商品对应关系 served by `GET /sku-mappings`: the ERP's SKU against the shop's. */
  skuMappings: Array<{ erp_sku: string; shop_sku: string }> = []
  maxWindowMinutes = 60
  pageSize = 2
  requests: Array<{ path: string; from: string; to: string; page: number; status: number }> = []
  #throttleAfter: number | null = null
  #server: Server | null = null
  url = ''

  /** Answer 429 once `count` more requests have been served. */
  throttleAfter(count: number) {
    this.#throttleAfter = count
  }

  async start(): Promise<string> {
    this.#server = createServer((req, res) => this.#handle(req, res))
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve))
    const { port } = this.#server.address() as AddressInfo
    this.url = `http://127.0.0.1:${port}`
    return this.url
  }

  async stop() {
    if (this.#server) await new Promise((resolve) => this.#server!.close(resolve))
    this.#server = null
  }

  #handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://fake')
    const from = url.searchParams.get('from') ?? ''
    const to = url.searchParams.get('to') ?? ''
    const page = Number(url.searchParams.get('page') ?? '1')
    const send = (status: number, body: unknown) => {
      this.requests.push({ path: url.pathname, from, to, page, status })
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(body))
    }
    if (url.pathname === '/ping') return send(200, { ok: true })
    if (req.headers.authorization !== `Bearer ${this.apiKey}`) {
      return send(401, { message: 'bad key' })
    }
    if (url.pathname === '/sku-mappings') return send(200, { rows: this.skuMappings })
    if (this.#throttleAfter !== null) {
      if (this.#throttleAfter === 0) {
        this.#throttleAfter = null
        return send(429, { message: 'too many requests' })
      }
      this.#throttleAfter--
    }
    const start = Date.parse(from)
    const end = Date.parse(to)
    if (Number.isNaN(start) || Number.isNaN(end) || end <= start) {
      return send(400, { message: 'from/to required' })
    }
    if (end - start > this.maxWindowMinutes * 60_000) {
      return send(400, { message: `window longer than ${this.maxWindowMinutes} minutes` })
    }
    const source =
      url.pathname === '/orders' ? this.orders : url.pathname === '/refunds' ? this.refunds : null
    if (!source) return send(404, { message: 'not found' })
    const matching = (source as Array<{ modified_at: string }>)
      .filter((row) => {
        const at = Date.parse(row.modified_at)
        return at >= start && at < end
      })
      .sort((a, b) => a.modified_at.localeCompare(b.modified_at))
    const rows = matching.slice((page - 1) * this.pageSize, page * this.pageSize)
    return send(200, { rows, has_next: page * this.pageSize < matching.length })
  }
}
