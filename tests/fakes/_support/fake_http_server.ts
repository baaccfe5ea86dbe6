import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * What every local fake of a provider shares: a `node:http` server on
 * 127.0.0.1 (a free port unless told), its base `url`, start/stop, and
 * the request body read whole before the fake's own `handle` sees it.
 * Each fake keeps its protocol — signatures, codes, limits — to itself.
 */
export abstract class FakeHttpServer {
  #server: Server | null = null
  url = ''

  protected abstract handle(
    req: IncomingMessage,
    res: ServerResponse,
    body: string
  ): Promise<unknown> | unknown

  async start(listenPort = 0): Promise<string> {
    this.#server = createServer((req, res) => void this.#receive(req, res))
    await new Promise<void>((resolve) => this.#server!.listen(listenPort, '127.0.0.1', resolve))
    const { port } = this.#server.address() as AddressInfo
    this.url = `http://127.0.0.1:${port}`
    return this.url
  }

  async stop() {
    if (this.#server) await new Promise((resolve) => this.#server!.close(resolve))
    this.#server = null
  }

  async #receive(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    await this.handle(req, res, Buffer.concat(chunks).toString('utf8'))
  }
}

/** POSTs JSON as a provider's push would; answers the status and the parsed reply (or null). */
export async function postJson(url: string, payload: unknown) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(payload),
  })
  return { status: response.status, body: await response.json().catch(() => null) }
}

/** `yyyy-MM-dd HH:mm:ss` in China time (UTC+8), as Aliyun and Tencent push it. */
export function chinaTime(date: Date): string {
  return new Date(date.getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ')
}

/** `yyyy-MM-dd HH:mm:ss` in China time → epoch ms (NaN when it is not such a time), as the ERPs take it. */
export function parseChinaTime(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(String(text))
  if (!m) return Number.NaN
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4] - 8, +m[5], +m[6])
}
