import {
  definePlugin,
  HttpTransportError,
  PluginError,
  type Notifier,
  type PluginContext,
  type StaffNotification,
} from '#plugin-sdk'

export interface WecomBotConfig {
  key: string
  endpoint: string
  kinds: string
}

/** A robot takes at most 20 messages a minute; markdown content at most 4096 bytes. */
const PER_MINUTE = 20
const MAX_BYTES = 4096

/** WeCom errcodes → normalised codes. */
const ERRORS: Record<number, PluginError['code']> = {
  93000: 'auth', // invalid webhook url (wrong or deleted key)
  45009: 'rate_limited', // api freq out of limit
  40008: 'content_rejected', // invalid message type
  44004: 'content_rejected', // empty content
  40058: 'content_rejected', // content too long / invalid field
  45033: 'rate_limited',
}

export function truncateBytes(text: string, max: number): string {
  const bytes = Buffer.from(text, 'utf8')
  if (bytes.length <= max) return text
  let cut = bytes.subarray(0, max - 3).toString('utf8')
  // Drop a character cut in half (decoded as U+FFFD).
  cut = cut.replace(/\uFFFD+$/, '')
  return `${cut}…`
}

export function markdownFor(notification: StaffNotification): string {
  const lines = [`**${notification.title}**`, '', notification.body]
  if (notification.url) lines.push('', `[打开 Open](${notification.url})`)
  return truncateBytes(lines.join('\n'), MAX_BYTES)
}

export function wecomNotifier(ctx: PluginContext<WecomBotConfig>): Notifier {
  const prefixes = ctx.config.kinds
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
  const sentAt: number[] = []

  return {
    id: ctx.id,
    accepts: (kind) => prefixes.some((prefix) => prefix === '*' || kind.startsWith(prefix)),
    async deliver(notification) {
      await post(
        ctx,
        { msgtype: 'markdown', markdown: { content: markdownFor(notification) } },
        sentAt
      )
    },
  }
}

async function post(
  ctx: PluginContext<WecomBotConfig>,
  message: Record<string, unknown>,
  sentAt: number[]
) {
  const now = Date.now()
  while (sentAt.length && sentAt[0] < now - 60_000) sentAt.shift()
  if (sentAt.length >= PER_MINUTE) {
    throw new PluginError('rate_limited', `more than ${PER_MINUTE} messages a minute`, null, {
      retryAfterMs: sentAt[0] + 60_000 - now,
    })
  }
  sentAt.push(now)
  const url = `${ctx.config.endpoint.replace(/\/+$/, '')}/cgi-bin/webhook/send?key=${encodeURIComponent(ctx.config.key)}`
  let response
  try {
    response = await ctx.http.request(url, { method: 'POST', body: message, retries: 1 })
  } catch (error) {
    const reason = error instanceof HttpTransportError ? error.message : String(error)
    throw new PluginError('transient', reason, null, { cause: error })
  }
  const errcode = Number(response.json?.errcode ?? (response.status >= 500 ? -1 : Number.NaN))
  if (response.status === 200 && errcode === 0) return
  const code =
    ERRORS[errcode] ?? (response.status >= 500 || errcode === -1 ? 'transient' : 'content_rejected')
  throw new PluginError(
    code,
    `${errcode}: ${response.json?.errmsg ?? `HTTP ${response.status}`}`,
    String(errcode)
  )
}

export default definePlugin<WecomBotConfig>({
  register(ctx) {
    ctx.registries.notifiers.register(wecomNotifier(ctx))
  },

  /** The robot has no read-only call: the test posts one short text message to the group. */
  async testConnection(ctx) {
    try {
      await post(
        ctx,
        { msgtype: 'text', text: { content: '圈子 Quanzi：连接测试 / connection test' } },
        []
      )
      return { ok: true, detail: 'test message posted to the group' }
    } catch (error) {
      if (error instanceof PluginError)
        return { ok: false, detail: `${error.code}: ${error.message}` }
      throw error
    }
  },
})
