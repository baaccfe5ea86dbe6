import {
  definePlugin,
  HttpTransportError,
  PluginError,
  type MessageChannel,
  type OutgoingMessage,
  type PluginContext,
} from '#plugin-sdk'

export interface HttpSmsConfig {
  url: string
  method: 'POST' | 'GET'
  bodyFormat: 'json' | 'form'
  params: string
  headers?: string
  secret?: string
  successTest: string
  messageIdPath?: string
  testUrl?: string
  ratePerSecond: number
}

/** `name=value` (or `Name: value`) per line → pairs, blank lines and `#` comments skipped. */
export function parseLines(text: string | undefined, separator: '=' | ':') {
  const pairs: Array<[string, string]> = []
  for (const line of (text ?? '').split(/\r?\n/)) {
    if (!line.trim() || line.trim().startsWith('#')) continue
    const index = line.indexOf(separator)
    if (index <= 0) continue
    pairs.push([line.slice(0, index).trim(), line.slice(index + 1).trim()])
  }
  return pairs
}

export function fill(value: string, message: OutgoingMessage, secret: string): string {
  const values: Record<string, string> = {
    to: message.to,
    text: message.text ?? '',
    template: message.template?.code ?? '',
    params: JSON.stringify(message.template?.params ?? {}),
    id: message.id,
    secret,
    timestamp: String(Math.floor(Date.now() / 1000)),
  }
  return value.replace(
    /\{(to|text|template|params|id|secret|timestamp)\}/g,
    (_, key) => values[key]
  )
}

function pick(data: any, path: string): unknown {
  return path.split('.').reduce((node, key) => (node == null ? undefined : node[key]), data)
}

/** Whether the gateway's answer means "accepted", per the configured test. */
export function passes(test: string, status: number, text: string, json: any): boolean {
  const rule = test.trim()
  if (rule.startsWith('status=')) return String(status) === rule.slice(7).trim()
  if (rule.startsWith('text:')) return status < 400 && text.includes(rule.slice(5))
  if (rule.startsWith('json:')) {
    const [path, expected] = rule.slice(5).split('=')
    return status < 400 && String(pick(json, path.trim())) === (expected ?? '').trim()
  }
  return status >= 200 && status < 300
}

export function httpSmsChannel(ctx: PluginContext<HttpSmsConfig>): MessageChannel {
  const config = ctx.config
  return {
    id: ctx.id,
    capabilities: {
      channel: 'sms',
      batchSize: 1,
      receipts: 'none',
      inbound: 'none',
      categories: ['otp', 'notification', 'marketing'],
      ratePerSecond: config.ratePerSecond,
    },
    async send(message) {
      const secret = config.secret ?? ''
      const params = parseLines(config.params, '=').map(
        ([name, value]) => [name, fill(value, message, secret)] as [string, string]
      )
      const headers = Object.fromEntries(
        parseLines(config.headers, ':').map(([name, value]) => [name, fill(value, message, secret)])
      )
      let url = config.url
      let body: string | undefined
      if (config.method === 'GET') {
        const target = new URL(url)
        for (const [name, value] of params) target.searchParams.set(name, value)
        url = target.toString()
      } else if (config.bodyFormat === 'form') {
        body = new URLSearchParams(params).toString()
        headers['content-type'] = 'application/x-www-form-urlencoded;charset=utf-8'
      } else {
        body = JSON.stringify(Object.fromEntries(params))
        headers['content-type'] = 'application/json;charset=utf-8'
      }

      let response
      try {
        response = await ctx.http.request(url, {
          method: config.method,
          headers,
          body,
          retries: 0,
          timeoutMs: 10_000,
        })
      } catch (error) {
        const refused = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN'].includes(
          (error as any)?.cause?.cause?.code
        )
        const reason = error instanceof HttpTransportError ? error.message : String(error)
        return {
          ok: false,
          error: new PluginError('transient', reason, null, { retryable: refused, cause: error }),
        }
      }

      if (passes(config.successTest, response.status, response.text, response.json)) {
        const id = config.messageIdPath ? pick(response.json, config.messageIdPath) : null
        return { ok: true, providerMessageId: id == null ? null : String(id) }
      }
      const snippet = response.text.slice(0, 200)
      const status = response.status
      const code =
        status === 401 || status === 403
          ? 'auth'
          : status === 429
            ? 'rate_limited'
            : status >= 500
              ? 'transient'
              : 'content_rejected'
      return {
        ok: false,
        error: new PluginError(code, `HTTP ${status}: ${snippet}`, String(status)),
      }
    },
  }
}

export default definePlugin<HttpSmsConfig>({
  register(ctx) {
    ctx.registries.channels.register(httpSmsChannel(ctx))
  },

  async testConnection(ctx) {
    if (!ctx.config.testUrl) {
      return { ok: false, detail: 'no connection test URL configured; send a test SMS instead' }
    }
    const response = await ctx.http.request(ctx.config.testUrl, { retries: 0 })
    return { ok: response.status < 400, detail: `GET answered HTTP ${response.status}` }
  },
})
