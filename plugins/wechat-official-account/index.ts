import {
  definePlugin,
  HttpTransportError,
  PluginError,
  type MessageChannel,
  type OutgoingMessage,
  type PluginContext,
  type PluginErrorCode,
  type SendResult,
  type WebhookRequest,
  type WebhookResponse,
} from '#plugin-sdk'
import { decryptMessage, parseXml, sha1Signature, signatureMatches } from './crypto.js'

export interface WechatOaConfig {
  appId: string
  appSecret: string
  /** The callback Token set in 基本配置 → 服务器配置. */
  token: string
  /** 43 characters; only for 安全模式 / 兼容模式 callbacks. */
  encodingAesKey?: string
  endpoint: string
  ratePerSecond: number
}

/** A cached access token lives in the plugin KV store under this key. */
export const TOKEN_KEY = 'stable_token'
/** What the plugin learnt about a follower: `user:<openid>`. */
export const userKey = (openid: string) => `user:${openid}`
/** Refresh this long before the token's own expiry. */
const EARLY_MS = 5 * 60_000

export interface FollowerInfo {
  openid: string
  unionid: string | null
  subscribed: boolean
  updatedAt: string
}

/** Errors that mean the access token itself is no longer good: refresh once and retry. */
const TOKEN_ERRORS = new Set([40001, 40014, 42001])

const ERRORS: Record<number, PluginErrorCode> = {
  40001: 'auth',
  40014: 'auth',
  42001: 'auth',
  40013: 'auth',
  40125: 'auth',
  40164: 'auth',
  41001: 'auth',
  40003: 'invalid_recipient',
  40037: 'template_or_sign_unapproved',
  43004: 'suppressed',
  43101: 'suppressed',
  47003: 'content_rejected',
  45009: 'quota',
  45011: 'rate_limited',
  [-1]: 'transient',
}

export function mapError(errcode: number, errmsg: string): PluginError {
  const code = ERRORS[errcode] ?? 'content_rejected'
  return new PluginError(code, `${errcode}: ${errmsg}`, String(errcode))
}

async function call(
  ctx: PluginContext<WechatOaConfig>,
  path: string,
  options: {
    method: 'GET' | 'POST'
    query?: Record<string, string>
    body?: Record<string, unknown>
  }
): Promise<any> {
  const url = new URL(path, ctx.config.endpoint)
  for (const [name, value] of Object.entries(options.query ?? {})) url.searchParams.set(name, value)
  let response
  try {
    response = await ctx.http.request(url.toString(), {
      method: options.method,
      body: options.body,
      retries: 0,
      timeoutMs: 10_000,
    })
  } catch (error) {
    const refused = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN'].includes(
      (error as any)?.cause?.cause?.code
    )
    const reason = error instanceof HttpTransportError ? error.message : String(error)
    throw new PluginError('transient', reason, null, { retryable: refused, cause: error })
  }
  const data = response.json
  if (!data || typeof data !== 'object') {
    throw new PluginError('transient', `HTTP ${response.status}: not an API answer`, null, {
      retryable: response.status >= 500,
    })
  }
  return data
}

/** POST /cgi-bin/stable_token; the answer is cached in the plugin KV store until near expiry. */
export async function accessToken(
  ctx: PluginContext<WechatOaConfig>,
  forceRefresh = false
): Promise<string> {
  if (!forceRefresh) {
    const cached = await ctx.kv.get<{ token: string; expiresAt: number }>(TOKEN_KEY)
    if (cached && cached.expiresAt - EARLY_MS > Date.now()) return cached.token
  }
  const data = await call(ctx, '/cgi-bin/stable_token', {
    method: 'POST',
    body: {
      grant_type: 'client_credential',
      appid: ctx.config.appId,
      secret: ctx.config.appSecret,
      force_refresh: forceRefresh,
    },
  })
  if (!data.access_token) throw mapError(Number(data.errcode ?? -1), String(data.errmsg ?? ''))
  const token = String(data.access_token)
  await ctx.kv.set(TOKEN_KEY, {
    token,
    expiresAt: Date.now() + Number(data.expires_in ?? 7200) * 1000,
  })
  return token
}

/**
 * Calls an API that takes `?access_token=`. On 40001/40014/42001 the token
 * is fetched again (force_refresh only if WeChat answers the same token) and
 * the call retried once.
 */
export async function withToken(
  ctx: PluginContext<WechatOaConfig>,
  path: string,
  options: {
    method: 'GET' | 'POST'
    query?: Record<string, string>
    body?: Record<string, unknown>
  }
): Promise<any> {
  let token = await accessToken(ctx)
  for (let attempt = 0; ; attempt++) {
    const data = await call(ctx, path, {
      ...options,
      query: { ...options.query, access_token: token },
    })
    const errcode = Number(data.errcode ?? 0)
    if (errcode === 0) return data
    if (TOKEN_ERRORS.has(errcode) && attempt === 0) {
      // Another system may already have a newer token: ask normally first; force_refresh
      // (rationed by WeChat, and it invalidates everyone's token) only when that gives the same one.
      await ctx.kv.delete(TOKEN_KEY)
      const fresh = await accessToken(ctx)
      token = fresh === token ? await accessToken(ctx, true) : fresh
      continue
    }
    throw mapError(errcode, String(data.errmsg ?? ''))
  }
}

/** GET /cgi-bin/user/info: follower state and, when the account is bound to 开放平台, unionid. */
export async function userInfo(
  ctx: PluginContext<WechatOaConfig>,
  openid: string
): Promise<FollowerInfo> {
  const data = await withToken(ctx, '/cgi-bin/user/info', {
    method: 'GET',
    query: { openid, lang: 'zh_CN' },
  })
  const info: FollowerInfo = {
    openid: String(data.openid ?? openid),
    unionid: data.unionid ? String(data.unionid) : null,
    subscribed: Number(data.subscribe) === 1,
    updatedAt: new Date().toISOString(),
  }
  await ctx.kv.set(userKey(openid), info)
  return info
}

export function wechatChannel(ctx: PluginContext<WechatOaConfig>): MessageChannel {
  return {
    id: ctx.id,
    capabilities: {
      channel: 'wechat',
      batchSize: 1,
      receipts: 'push',
      inbound: 'none',
      categories: ['notification'],
      ratePerSecond: ctx.config.ratePerSecond,
    },
    /** POST /cgi-bin/message/template/send */
    async send(message: OutgoingMessage): Promise<SendResult> {
      try {
        if (!message.openid) {
          throw new PluginError('invalid_recipient', 'the member has no WeChat openid')
        }
        if (!message.template) {
          throw new PluginError('content_rejected', 'a template message needs a template id')
        }
        const known = await ctx.kv.get<FollowerInfo>(userKey(message.openid))
        if (known && !known.subscribed) {
          throw new PluginError('suppressed', 'the user unfollowed the official account', '43004')
        }
        const data = await withToken(ctx, '/cgi-bin/message/template/send', {
          method: 'POST',
          body: {
            touser: message.openid,
            template_id: message.template.code,
            data: Object.fromEntries(
              Object.entries(message.template.params).map(([name, value]) => [name, { value }])
            ),
            // 防重入: the same openid + client_msg_id is sent once.
            client_msg_id: message.idempotencyKey.slice(0, 64),
          },
        })
        return { ok: true, providerMessageId: String(data.msgid) }
      } catch (error) {
        if (error instanceof PluginError) return { ok: false, error }
        throw error
      }
    },
  }
}

const SUCCESS: WebhookResponse = {
  status: 200,
  body: 'success',
  headers: { 'content-type': 'text/plain' },
}
const refuse = (status: number, reason: string): WebhookResponse => ({
  status,
  body: reason,
  headers: { 'content-type': 'text/plain' },
})

/** The event XML: plain, or unwrapped from the encrypted envelope after its msg_signature is checked. */
export function readEvent(
  config: WechatOaConfig,
  request: WebhookRequest
): Record<string, string> | WebhookResponse {
  const { timestamp, nonce } = request.query
  const fields = parseXml(request.rawBody)
  if (!fields) return refuse(400, 'malformed XML')
  if (request.query.encrypt_type !== 'aes') {
    const expected = sha1Signature(config.token, String(timestamp ?? ''), String(nonce ?? ''))
    if (!signatureMatches(request.query.signature, expected)) return refuse(401, 'bad signature')
    return fields
  }
  if (!config.encodingAesKey) return refuse(400, 'encrypted mode is not configured')
  const encrypted = fields.Encrypt
  if (!encrypted) return refuse(400, 'missing Encrypt')
  const expected = sha1Signature(
    config.token,
    String(timestamp ?? ''),
    String(nonce ?? ''),
    encrypted
  )
  if (!signatureMatches(request.query.msg_signature, expected)) {
    return refuse(401, 'bad msg_signature')
  }
  let opened
  try {
    opened = decryptMessage(config.encodingAesKey, encrypted)
  } catch {
    return refuse(400, 'cannot decrypt')
  }
  if (opened.appId !== config.appId) return refuse(401, 'wrong appid')
  return parseXml(opened.message) ?? refuse(400, 'malformed inner XML')
}

export default definePlugin<WechatOaConfig>({
  register(ctx) {
    ctx.registries.channels.register(wechatChannel(ctx))

    /** URL verification: echo `echostr` when the signature matches. */
    ctx.webhooks.get('callback', async (request) => {
      const { signature, timestamp, nonce, echostr } = request.query
      const expected = sha1Signature(ctx.config.token, String(timestamp ?? ''), String(nonce ?? ''))
      if (!signatureMatches(signature, expected)) return refuse(401, 'bad signature')
      return { status: 200, body: String(echostr ?? ''), headers: { 'content-type': 'text/plain' } }
    })

    /** Events (subscribe / unsubscribe, TEMPLATESENDJOBFINISH receipts) and followers' text messages. */
    ctx.webhooks.post('callback', async (request) => {
      const event = readEvent(ctx.config, request)
      if ('status' in event && 'body' in event) return event as WebhookResponse
      const fields = event as Record<string, string>
      const openid = fields.FromUserName
      if (fields.MsgType === 'text') {
        // A follower's text message: stored; 退订 / TD … opt the member out of WeChat messages.
        if (!openid) return refuse(400, 'missing FromUserName')
        await ctx.inbox.replies([
          {
            from: '',
            openid,
            text: String(fields.Content ?? ''),
            receivedAt: fields.CreateTime ? new Date(Number(fields.CreateTime) * 1000) : new Date(),
            providerMessageId: fields.MsgId ? String(fields.MsgId) : null,
          },
        ])
        return SUCCESS
      }
      if (fields.MsgType !== 'event') return SUCCESS
      switch (fields.Event) {
        case 'subscribe':
          if (openid) {
            const info = await userInfo(ctx, openid)
            await ctx.inbox.followers([info])
          }
          return SUCCESS
        case 'unsubscribe':
          if (openid) {
            const known = await ctx.kv.get<FollowerInfo>(userKey(openid))
            await ctx.kv.set(userKey(openid), {
              openid,
              unionid: known?.unionid ?? null,
              subscribed: false,
              updatedAt: new Date().toISOString(),
            } satisfies FollowerInfo)
          }
          return SUCCESS
        case 'TEMPLATESENDJOBFINISH': {
          const msgId = fields.MsgID ?? fields.MsgId
          if (!msgId) return refuse(400, 'missing MsgID')
          const status = String(fields.Status ?? '')
          await ctx.inbox.receipts([
            {
              outId: null,
              providerMessageId: msgId,
              to: null,
              delivered: status === 'success',
              providerCode: status || null,
              description: status === 'success' ? null : status,
              reportedAt: fields.CreateTime
                ? new Date(Number(fields.CreateTime) * 1000)
                : new Date(),
            },
          ])
          return SUCCESS
        }
        default:
          return SUCCESS
      }
    })
  },

  /** Gets a stable access token: appId, secret and the IP whitelist are right. */
  async testConnection(ctx) {
    try {
      await accessToken(ctx)
      return { ok: true, detail: `appId ${ctx.config.appId}: access token issued` }
    } catch (error) {
      if (error instanceof PluginError) {
        return { ok: false, detail: `${error.code}: ${error.message}` }
      }
      throw error
    }
  },
})
