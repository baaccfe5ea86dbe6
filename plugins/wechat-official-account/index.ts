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
import {
  decryptMessage,
  parseXml,
  parseXmlLists,
  sha1Signature,
  signatureMatches,
} from './crypto.js'

export interface WechatOaConfig {
  appId: string
  appSecret: string
  /** The callback Token set in 基本配置 → 服务器配置. */
  token: string
  /** 43 characters; only for 安全模式 / 兼容模式 callbacks. */
  encodingAesKey?: string
  endpoint: string
  ratePerSecond: number
  /**
   * 订阅通知 template ids, one a line. A message whose template is listed goes
   * out as a subscribe message (`/cgi-bin/message/subscribe/bizsend`); any
   * other as a template message (模板消息). WeChat keeps the two apart.
   */
  subscribeTemplates?: string
  /** The web page a subscribe message card opens (`page`). */
  subscribePage?: string
  /** With `miniprogramPagePath`: the card opens this mini program instead of `subscribePage`. */
  miniprogramAppId?: string
  miniprogramPagePath?: string
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

/**
 * What the plugin learnt of a follower's choice for one subscribe-message
 * template (`subscription:<openid>:<templateId>`), from the popup and
 * 服务通知 management events WeChat pushes.
 */
export const subscriptionKey = (openid: string, templateId: string) =>
  `subscription:${openid}:${templateId}`

export interface SubscriptionChoice {
  accepted: boolean
  updatedAt: string
}

/** The configured 订阅通知 template ids. */
export function subscribeTemplateIds(config: WechatOaConfig): Set<string> {
  return new Set(
    String(config.subscribeTemplates ?? '')
      .split(/[\s,]+/)
      .map((id) => id.trim())
      .filter(Boolean)
  )
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
  41030: 'content_rejected',
  45009: 'quota',
  45011: 'rate_limited',
  [-1]: 'transient',
}

/** Errors whose own text does not tell an admin what happened. */
const REASONS: Record<number, string> = {
  43004: 'the user does not follow the official account',
  43101:
    'the user has not accepted this subscribe-message template, or has since refused it (一次性订阅 is used up after one message)',
  41030: 'the mini program page of the subscribe message does not exist',
}

export function mapError(errcode: number, errmsg: string): PluginError {
  const code = ERRORS[errcode] ?? 'content_rejected'
  const reason = REASONS[errcode]
  return new PluginError(
    code,
    reason ? `${errcode}: ${reason} (${errmsg})` : `${errcode}: ${errmsg}`,
    String(errcode)
  )
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
    /** Subscribe-message templates go to bizsend, the others to template/send. */
    async send(message: OutgoingMessage): Promise<SendResult> {
      try {
        if (!message.openid) {
          throw new PluginError('invalid_recipient', 'the member has no WeChat openid')
        }
        if (!message.template) {
          throw new PluginError('content_rejected', 'a WeChat message needs a template id')
        }
        const data = subscribeTemplateIds(ctx.config).has(message.template.code)
          ? await sendSubscribeMessage(ctx, message.openid, message.template)
          : await sendTemplateMessage(ctx, message.openid, message.template, message.idempotencyKey)
        return { ok: true, providerMessageId: data.msgid ? String(data.msgid) : null }
      } catch (error) {
        if (error instanceof PluginError) return { ok: false, error }
        throw error
      }
    },
  }
}

type Template = NonNullable<OutgoingMessage['template']>

const templateData = (template: Template) =>
  Object.fromEntries(Object.entries(template.params).map(([name, value]) => [name, { value }]))

/** POST /cgi-bin/message/template/send: 模板消息, to followers only. */
async function sendTemplateMessage(
  ctx: PluginContext<WechatOaConfig>,
  openid: string,
  template: Template,
  idempotencyKey: string
) {
  const known = await ctx.kv.get<FollowerInfo>(userKey(openid))
  if (known && !known.subscribed) {
    throw new PluginError('suppressed', 'the user unfollowed the official account', '43004')
  }
  return withToken(ctx, '/cgi-bin/message/template/send', {
    method: 'POST',
    body: {
      touser: openid,
      template_id: template.code,
      data: templateData(template),
      // 防重入: the same openid + client_msg_id is sent once.
      client_msg_id: idempotencyKey.slice(0, 64),
    },
  })
}

/**
 * POST /cgi-bin/message/subscribe/bizsend: 订阅通知. The user's consent is
 * per template (accepted in a popup; 一次性 for one message or 长期), not the
 * follow: a template the user refused is not even sent to WeChat.
 */
async function sendSubscribeMessage(
  ctx: PluginContext<WechatOaConfig>,
  openid: string,
  template: Template
) {
  const choice = await ctx.kv.get<SubscriptionChoice>(subscriptionKey(openid, template.code))
  if (choice && !choice.accepted) {
    throw new PluginError(
      'suppressed',
      'the user refused this subscribe-message template in WeChat',
      '43101'
    )
  }
  const { subscribePage, miniprogramAppId, miniprogramPagePath } = ctx.config
  return withToken(ctx, '/cgi-bin/message/subscribe/bizsend', {
    method: 'POST',
    body: {
      touser: openid,
      template_id: template.code,
      data: templateData(template),
      ...(subscribePage ? { page: subscribePage } : {}),
      ...(miniprogramAppId && miniprogramPagePath
        ? { miniprogram: { appid: miniprogramAppId, pagepath: miniprogramPagePath } }
        : {}),
    },
  })
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

/** A callback push once its signature is checked: the top-level fields and the plain XML. */
export interface WechatEvent {
  fields: Record<string, string>
  xml: string
}

/** The event XML: plain, or unwrapped from the encrypted envelope after its msg_signature is checked. */
export function readEvent(
  config: WechatOaConfig,
  request: WebhookRequest
): WechatEvent | WebhookResponse {
  const { timestamp, nonce } = request.query
  const fields = parseXml(request.rawBody)
  if (!fields) return refuse(400, 'malformed XML')
  if (request.query.encrypt_type !== 'aes') {
    const expected = sha1Signature(config.token, String(timestamp ?? ''), String(nonce ?? ''))
    if (!signatureMatches(request.query.signature, expected)) return refuse(401, 'bad signature')
    return { fields, xml: request.rawBody }
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
  const inner = parseXml(opened.message)
  return inner ? { fields: inner, xml: opened.message } : refuse(400, 'malformed inner XML')
}

/**
 * subscribe_msg_popup_event (the user's answer in the popup) and
 * subscribe_msg_change_event (a 拒收 in 服务通知): remembered per template so
 * a refused template is suppressed before WeChat is called.
 */
async function rememberSubscriptionChoices(
  ctx: PluginContext<WechatOaConfig>,
  openid: string,
  xml: string
) {
  for (const entry of parseXmlLists(xml)) {
    const templateId = entry.TemplateId
    const status = entry.SubscribeStatusString
    if (!templateId || (status !== 'accept' && status !== 'reject')) continue
    await ctx.kv.set(subscriptionKey(openid, templateId), {
      accepted: status === 'accept',
      updatedAt: new Date().toISOString(),
    } satisfies SubscriptionChoice)
  }
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

    /**
     * Events (subscribe / unsubscribe, TEMPLATESENDJOBFINISH and
     * subscribe_msg_sent_event receipts, subscribe-message choices) and
     * followers' text messages.
     */
    ctx.webhooks.post('callback', async (request) => {
      const event = readEvent(ctx.config, request)
      if (!('fields' in event)) return event
      const { fields, xml } = event
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
        case 'subscribe_msg_popup_event':
        case 'subscribe_msg_change_event':
          if (!openid) return refuse(400, 'missing FromUserName')
          await rememberSubscriptionChoices(ctx, openid, xml)
          return SUCCESS
        case 'subscribe_msg_sent_event': {
          // One <List> per message: MsgID, ErrorCode 0 / ErrorStatus success when it reached the user.
          const entries = parseXmlLists(xml).filter((entry) => entry.MsgID)
          if (entries.length === 0) return refuse(400, 'missing MsgID')
          await ctx.inbox.receipts(
            entries.map((entry) => {
              const delivered = Number(entry.ErrorCode ?? -1) === 0
              const status = String(entry.ErrorStatus ?? entry.ErrorCode ?? '')
              return {
                outId: null,
                providerMessageId: entry.MsgID,
                to: null,
                delivered,
                providerCode: status || null,
                description: delivered ? null : status,
                reportedAt: fields.CreateTime
                  ? new Date(Number(fields.CreateTime) * 1000)
                  : new Date(),
              }
            })
          )
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
