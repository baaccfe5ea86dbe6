/**
 * Quanzi plugin SDK — the only module a plugin imports (`#plugin-sdk` inside
 * this repository). Everything a plugin may touch is typed here; the host
 * gives each plugin a narrow context, never the container.
 *
 * Versioning: `PLUGIN_API_VERSION` is the contract number a plugin names in
 * its plugin.json (`apiVersion`). Additive changes keep the number; a change
 * that could break a plugin bumps it, and the loader keeps accepting the
 * versions listed in `SUPPORTED_API_VERSIONS` for at least one release.
 */

export const PLUGIN_API_VERSION = 1
export const SUPPORTED_API_VERSIONS: readonly number[] = [1]

/* ------------------------------------------------------------------ */
/* Errors                                                              */
/* ------------------------------------------------------------------ */

/** Normalised error codes every connector maps its provider's errors to. */
export const PLUGIN_ERROR_CODES = [
  'auth',
  'rate_limited',
  'invalid_recipient',
  'template_or_sign_unapproved',
  'suppressed',
  'quota',
  'content_rejected',
  'transient',
] as const
export type PluginErrorCode = (typeof PLUGIN_ERROR_CODES)[number]

/**
 * What the host does with each code: retry with backoff, or stop and tell
 * a person what to fix.
 */
export const RETRY_GUIDANCE: Record<PluginErrorCode, { retry: boolean; action: string }> = {
  auth: { retry: false, action: 'Check the credentials in the plugin configuration.' },
  rate_limited: { retry: true, action: 'Retried later with backoff.' },
  invalid_recipient: { retry: false, action: 'Correct the recipient; not retried.' },
  template_or_sign_unapproved: {
    retry: false,
    action: 'Get the template or signature approved by the provider.',
  },
  suppressed: { retry: false, action: 'The recipient opted out; never retried.' },
  quota: { retry: false, action: 'Top up or raise the quota at the provider.' },
  content_rejected: { retry: false, action: 'Change the content; not retried.' },
  transient: { retry: true, action: 'Retried later with backoff.' },
}

/** A provider error, normalised. `providerCode` keeps the provider's own code for people. */
export class PluginError extends Error {
  readonly retryable: boolean
  constructor(
    readonly code: PluginErrorCode,
    message: string,
    readonly providerCode: string | null = null,
    options: { retryAfterMs?: number; cause?: unknown; retryable?: boolean } = {}
  ) {
    super(message, { cause: options.cause })
    this.name = 'PluginError'
    // A timeout after the request left may have sent the message: connectors pass retryable: false.
    this.retryable = options.retryable ?? RETRY_GUIDANCE[code].retry
    this.retryAfterMs = options.retryAfterMs ?? null
  }
  readonly retryAfterMs: number | null
}

/* ------------------------------------------------------------------ */
/* Context given to a plugin                                           */
/* ------------------------------------------------------------------ */

/** No answer at all from a provider (timeout, refused, reset): always worth a retry later. */
export class HttpTransportError extends Error {
  name = 'HttpTransportError'
}

export interface PluginLogger {
  trace(message: string | Record<string, unknown>, ...rest: unknown[]): void
  debug(message: string | Record<string, unknown>, ...rest: unknown[]): void
  info(message: string | Record<string, unknown>, ...rest: unknown[]): void
  warn(message: string | Record<string, unknown>, ...rest: unknown[]): void
  error(message: string | Record<string, unknown>, ...rest: unknown[]): void
}

export interface HttpRequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  headers?: Record<string, string>
  /** A string is sent as is; an object is sent as JSON. */
  body?: string | Record<string, unknown> | unknown[]
  /** Per attempt; default 10 000 ms. */
  timeoutMs?: number
  /** Extra attempts on network errors, timeouts, 429 and 5xx; default 2. Use 0 for non-idempotent calls. */
  retries?: number
  /**
   * Wait for a slot before each attempt so that requests sharing `key` stay
   * within these limits — across every worker process when Redis is
   * configured, with a 5 % margin. For providers that count every call
   * (聚水潭: 5 a second, 100 a minute).
   */
  rateLimit?: RateLimit
}

export interface RateLimit {
  key: string
  perSecond?: number
  perMinute?: number
}

export interface HttpResponse {
  status: number
  headers: Record<string, string>
  text: string
  /** The body parsed as JSON, or null when it is not JSON. */
  json: any
}

export interface PluginHttpClient {
  request(url: string, options?: HttpRequestOptions): Promise<HttpResponse>
}

/** A small key–value store private to the plugin (a database table). */
export interface PluginKeyValueStore {
  get<T = unknown>(key: string): Promise<T | null>
  set(key: string, value: unknown): Promise<void>
  delete(key: string): Promise<void>
}

export interface WebhookRequest {
  method: string
  /** Path after `/hooks/<plugin-id>/`, without a leading slash. */
  path: string
  headers: Record<string, string | string[] | undefined>
  query: Record<string, any>
  /** Parsed JSON or form body, when there is one. */
  body: any
  /** The body exactly as received (for signature checks). */
  rawBody: string
}

export interface WebhookResponse {
  status: number
  body: string | Record<string, unknown> | unknown[]
  headers?: Record<string, string>
}

export type WebhookHandler = (request: WebhookRequest) => Promise<WebhookResponse>

export interface WebhookRoutes {
  /** Handles `POST /hooks/<plugin-id>/<path>`. */
  post(path: string, handler: WebhookHandler): void
  /** Handles `GET /hooks/<plugin-id>/<path>` (URL verification handshakes). */
  get(path: string, handler: WebhookHandler): void
}

/* ------------------------------------------------------------------ */
/* Extension points                                                    */
/* ------------------------------------------------------------------ */

export type MessageCategory = 'otp' | 'notification' | 'marketing'
export type ChannelKind = 'sms' | 'wechat' | 'email'

export interface ChannelCapabilities {
  channel: ChannelKind
  /** Most recipients one `sendBatch` call accepts (1 when there is no batch API). */
  batchSize: number
  /** How delivery receipts arrive. */
  receipts: 'push' | 'pull' | 'none'
  /** How inbound replies arrive. */
  inbound: 'push' | 'pull' | 'none'
  categories: MessageCategory[]
  /**
   * Provider calls per second the provider allows this account (one `send`
   * or one `sendBatch` is one call); the dispatcher never exceeds it, across
   * every worker process when Redis is configured.
   */
  ratePerSecond: number
  /**
   * The provider refuses a second message with the same `idempotencyKey`
   * (WeChat `client_msg_id`): a message whose sender died mid-call may be
   * sent again safely. Default false.
   */
  dedupesByIdempotencyKey?: boolean
}

export interface OutgoingMessage {
  /** The core's message id; connectors pass it to the provider as their "out id" when they can. */
  id: string
  idempotencyKey: string
  /** Mainland mobile number, 11 digits. */
  to: string
  category: MessageCategory
  template: { code: string; params: Record<string, string> } | null
  /** Free text, for channels that take it (http-sms). */
  text: string | null
  /** The member's WeChat openid, for `wechat` channels (from the member's identities). */
  openid?: string | null
  /**
   * The dispatcher's claim for this provider call, the same for every
   * message of one `sendBatch`: pass it as the batch's "out id" when the
   * provider has one, so `lookupSent` can find the batch later.
   */
  batchId?: string | null
}

/** What the provider knows of a message whose sender died during the call (`lookupSent`). */
export type LookupResult =
  { state: 'sent'; providerMessageId: string | null } | { state: 'not_sent' } | { state: 'unknown' }

export type SendResult =
  { ok: true; providerMessageId: string | null } | { ok: false; error: PluginError }

/** A delivery receipt, matched by the core's message id (`outId`) or the provider's id. */
export interface DeliveryReceipt {
  outId: string | null
  providerMessageId: string | null
  to: string | null
  delivered: boolean
  /** The provider's own code (`DELIVERED`, `MK:0001` …). */
  providerCode: string | null
  description: string | null
  reportedAt: Date
}

export interface InboundReply {
  /** The sender's number; empty when the channel knows the sender by openid only. */
  from: string
  /** WeChat: the follower's openid; the core finds the member through it. */
  openid?: string | null
  text: string
  receivedAt: Date
  providerMessageId?: string | null
}

export interface MessageChannel {
  /** Usually the plugin id: `aliyun-sms`. */
  id: string
  capabilities: ChannelCapabilities
  send(message: OutgoingMessage): Promise<SendResult>
  /** Per-recipient results in the order given; only when `batchSize` > 1. */
  sendBatch?(messages: OutgoingMessage[]): Promise<SendResult[]>
  /**
   * Messages with the same key may go in one `sendBatch` call (Aliyun: one
   * template; Tencent: one template and the same parameters). Default: the
   * template code.
   */
  batchKey?(message: OutgoingMessage): string
  /**
   * Asks the provider whether these messages went out (their sender died
   * between the call and recording its answer; `claimedAt` is when the call
   * was about to be made). `not_sent` messages are sent again, `sent` ones
   * recorded, `unknown` ones marked failed — never guessed.
   */
  lookupSent?(messages: Array<OutgoingMessage & { claimedAt: Date }>): Promise<LookupResult[]>
  /** For `receipts: 'pull'`. */
  pullReceipts?(): Promise<DeliveryReceipt[]>
  /** For `inbound: 'pull'`. */
  pullReplies?(): Promise<InboundReply[]>
}

export interface ErpCapabilities {
  /** Longest time range one query may cover, in minutes (聚水潭: 7 days; 旺店通: 60 minutes). */
  maxWindowMinutes: number
  pageSize: number
  /**
   * Whether the ERP has a row version (聚水潭 `ts`): pages then carry the
   * highest one they hold (`ErpPage.rowVersion`), and once the engine has
   * one it asks for what changed after it (`rowVersion` in the pull) instead
   * of by time windows. A kind whose pages carry none stays on windows.
   */
  rowVersionCursor: boolean
  stockWriteMode: 'absolute' | 'delta' | 'none'
  ratePerSecond: number
  /** Requests a minute the ERP allows (聚水潭: 100); the engine never exceeds it. */
  ratePerMinute?: number
  /** How often the scheduled sync runs this connector; default every 15 minutes. */
  syncEveryMinutes?: number
}

export interface ErpOrder {
  platformOrderNo: string
  /** Matched to a Quanzi shop by its name, or by platform when the company has one shop there. */
  shopCode: string
  status: 'pending' | 'paid' | 'shipped' | 'completed' | 'closed'
  orderedAt: Date
  paidAt?: Date | null
  /** Integers in fen. */
  paidFen: number
  goodsFen: number
  /** Identities for OneID: the member is found or created from these. */
  buyer: { phone: string | null; erpCustomerId?: string | null; name: string | null }
  items: Array<{ skuCode: string; title: string; quantity: number; priceFen: number }>
}

export interface ErpRefund {
  platformRefundNo: string
  platformOrderNo: string
  shopCode: string
  amountFen: number
  status: 'requested' | 'approved' | 'rejected' | 'completed' | 'cancelled'
  requestedAt: Date
  completedAt?: Date | null
  reason?: string | null
}

export interface ErpPage<T> {
  rows: T[]
  /** Pass back to get the next page; null when this window is done. */
  nextCursor: string | null
  /** The highest row version among `rows` (connectors with `rowVersionCursor`). */
  rowVersion?: string | null
}

/**
 * What a pull asks for: a time window, or — when `rowVersion` is set — the
 * rows changed after that row version (the window is then only for the
 * record); `cursor` is the page cursor the previous page returned.
 */
export interface ErpPull {
  from: Date
  to: Date
  cursor: string | null
  rowVersion?: string | null
}

export interface ErpConnector {
  id: string
  capabilities: ErpCapabilities
  pullOrders(pull: ErpPull): Promise<ErpPage<ErpOrder>>
  pullRefunds(pull: ErpPull): Promise<ErpPage<ErpRefund>>
  /**
   * Sets stock in the ERP. The engine records each push under its
   * idempotency key and calls this once per key; connectors pass the key
   * to the ERP as its outer document number when it has one.
   */
  pushStock?(
    items: Array<{ skuCode: string; quantity: number }>,
    idempotencyKey: string
  ): Promise<void | { reference?: string | null }>
  /**
   * The ERP's SKU codes against the shop's (`skuCode` as Quanzi knows it).
   * The sync engine reads them once per run and puts imported order lines
   * on the shop's SKU; a stock push is recorded in the shop's codes and
   * handed to `pushStock` in the ERP's. A code not listed is the same on
   * both sides; one ERP SKU listed against two shop SKUs fails the run.
   */
  skuMappings?(): Promise<Array<{ erpSku: string; skuCode: string }>>
}

/** Same shape as `app/shared/notifications/staff_notifiers.ts` (the host's registry). */
export interface StaffNotification {
  kind: string
  recipients: Array<{ userId: number; fullName: string; email: string }>
  title: string
  body: string
  url: string | null
  createdAt: { toISO(): string | null }
}

export interface Notifier {
  id: string
  accepts(kind: string): boolean
  deliver(notification: StaffNotification): Promise<void>
}

export interface PluginRegistries {
  channels: { register(channel: MessageChannel): void }
  erp: { register(connector: ErpConnector): void }
  notifiers: { register(notifier: Notifier): void }
}

/** A WeChat follower as the official account reports it (`user/info`). */
export interface WechatFollower {
  openid: string
  /** Present when the account is bound to a WeChat Open Platform account. */
  unionid: string | null
  subscribed: boolean
}

/** Where a channel plugin hands receipts and replies that arrive by push. */
export interface MessageInbox {
  receipts(receipts: DeliveryReceipt[]): Promise<{ matched: number }>
  replies(replies: InboundReply[]): Promise<{ optedOut: number }>
  /**
   * Followers for OneID: an openid whose unionid already belongs to a member
   * is added to that member's identities. Nobody is created from a follower alone.
   */
  followers(followers: WechatFollower[]): Promise<{ linked: number }>
}

export interface PluginContext<Config = Record<string, unknown>> {
  /** The plugin id from plugin.json. */
  id: string
  logger: PluginLogger
  http: PluginHttpClient
  /** The plugin's configuration, validated against its declared fields. */
  config: Readonly<Config>
  kv: PluginKeyValueStore
  registries: PluginRegistries
  webhooks: WebhookRoutes
  inbox: MessageInbox
  /** Absolute URL of a webhook path, for showing to admins and giving to providers. */
  webhookUrl(path: string): string
}

export interface TestConnectionResult {
  ok: boolean
  /** One line for the admin: what was checked, or what is wrong. */
  detail: string
}

export interface PluginDefinition<Config = Record<string, unknown>> {
  /** Synchronous: only adds providers to registries and declares webhooks. */
  register(context: PluginContext<Config>): void
  /** Optional I/O at boot (warm a token …). Throwing disables the plugin. */
  ready?(context: PluginContext<Config>): Promise<void>
  shutdown?(context: PluginContext<Config>): Promise<void>
  /** Behind the "Test connection" button. */
  testConnection?(context: PluginContext<Config>): Promise<TestConnectionResult>
}

/** Declares a plugin; the default export of its entry file. */
export function definePlugin<Config = Record<string, unknown>>(
  definition: PluginDefinition<Config>
): PluginDefinition<Config> {
  return definition
}

/* ------------------------------------------------------------------ */
/* plugin.json                                                         */
/* ------------------------------------------------------------------ */

export const PLUGIN_KINDS = ['channel', 'erp', 'notifier'] as const
export type PluginKind = (typeof PLUGIN_KINDS)[number]

export const CONFIG_FIELD_TYPES = [
  'string',
  'secret',
  'url',
  'number',
  'boolean',
  'select',
] as const
export type ConfigFieldType = (typeof CONFIG_FIELD_TYPES)[number]

export interface ConfigField {
  name: string
  type: ConfigFieldType
  label: { 'zh-CN': string; 'en': string }
  help?: { 'zh-CN': string; 'en': string }
  required?: boolean
  default?: string | number | boolean
  options?: string[]
  min?: number
  max?: number
  /** A string field shown as a multi-line text area. */
  multiline?: boolean
}

export interface PluginManifest {
  id: string
  name: string
  version: string
  /** Semver range of Quanzi versions the plugin works with: `^0.1.0`, `>=0.1.0 <2`. */
  host: string
  apiVersion: number
  provides: PluginKind[]
  /** Entry file relative to the plugin folder (`index.js`). */
  entry: string
  onBootFailure: 'continue' | 'abort'
  description?: string
  config: ConfigField[]
}

export { chinaTime, parseChinaTime, yuanToFen } from './china_values.js'
export { readErpSkuMappings, type ErpSkuLink } from './erp_sku_mappings.js'
