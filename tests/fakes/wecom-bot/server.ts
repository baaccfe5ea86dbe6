import type { IncomingMessage, ServerResponse } from 'node:http'
import { FakeHttpServer } from '#tests/fakes/_support/fake_http_server'

/**
 * A local stand-in for the WeCom group robot webhook
 * (`POST /cgi-bin/webhook/send?key=…`): checks the key, the message type
 * and content limits (text 2048 bytes, markdown 4096), allows 20 messages
 * a minute per robot, and answers with WeCom's errcode/errmsg.
 */
export class FakeWecomBot extends FakeHttpServer {
  readonly key: string
  received: Array<{ msgtype: string; content: string }> = []
  perMinute = 20
  #times: number[] = []

  constructor(key = '693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa') {
    super()
    this.key = key
  }

  protected async handle(req: IncomingMessage, res: ServerResponse, raw: string) {
    const answer = (errcode: number, errmsg: string) => {
      res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' })
      res.end(JSON.stringify({ errcode, errmsg }))
    }
    const url = new URL(req.url ?? '/', 'http://fake')
    if (req.method !== 'POST' || url.pathname !== '/cgi-bin/webhook/send') {
      res.writeHead(404)
      return res.end()
    }
    if (url.searchParams.get('key') !== this.key) {
      return answer(93000, 'invalid webhook url, hint: [1700000000_1_abc], from ip: 127.0.0.1')
    }
    let body: any
    try {
      body = JSON.parse(raw)
    } catch {
      return answer(40001, 'invalid json')
    }
    const type = body?.msgtype
    if (type !== 'text' && type !== 'markdown') return answer(40008, 'invalid message type')
    const content = String(body[type]?.content ?? '')
    if (!content) return answer(44004, 'empty content')
    const limit = type === 'text' ? 2048 : 4096
    if (Buffer.byteLength(content, 'utf8') > limit) {
      return answer(40058, `${type}.content exceed max length ${limit}`)
    }
    const now = Date.now()
    this.#times = this.#times.filter((t) => t > now - 60_000)
    if (this.#times.length >= this.perMinute) return answer(45009, 'api freq out of limit')
    this.#times.push(now)
    this.received.push({ msgtype: type, content })
    return answer(0, 'ok')
  }
}
