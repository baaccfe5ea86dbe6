import type { IncomingMessage, ServerResponse } from 'node:http'
import { FakeHttpServer } from '#tests/fakes/_support/fake_http_server'

/**
 * A typical local SMS gateway, the kind http-sms is for: `POST /sms/send`
 * (JSON or form) or `GET /sms/send?…` with `mobile`, `content`, `sign`,
 * an `X-Api-Key` header; answers `{"code":0,"data":{"msgid":"…"}}` or an
 * error code with HTTP 200, 401 for a bad key, 429 when throttled.
 */
export class FakeHttpSmsGateway extends FakeHttpServer {
  readonly apiKey = 'gw-key-123'
  received: Array<Record<string, string>> = []
  #throttle = 0

  throttleNext(count = 1) {
    this.#throttle = count
  }

  protected async handle(req: IncomingMessage, res: ServerResponse, raw: string) {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(body))
    }
    const url = new URL(req.url ?? '/', 'http://fake')
    if (url.pathname === '/ping') return send(200, { ok: true })
    if (url.pathname !== '/sms/send') return send(404, { code: 404, msg: 'not found' })
    if (req.headers['x-api-key'] !== this.apiKey) return send(401, { code: 401, msg: 'bad key' })
    if (this.#throttle > 0) {
      this.#throttle--
      return send(429, { code: 429, msg: 'too many requests' })
    }
    let params: Record<string, string>
    const type = String(req.headers['content-type'] ?? '')
    if (req.method === 'GET') params = Object.fromEntries(url.searchParams)
    else if (type.includes('json')) params = JSON.parse(raw || '{}')
    else params = Object.fromEntries(new URLSearchParams(raw))
    if (!/^1[3-9]\d{9}$/.test(params.mobile ?? '')) {
      return send(200, { code: 1001, msg: 'invalid mobile' })
    }
    if (!params.content) return send(200, { code: 1002, msg: 'empty content' })
    this.received.push({ method: req.method ?? '', ...params })
    return send(200, { code: 0, msg: 'ok', data: { msgid: `gw-${this.received.length}` } })
  }
}
