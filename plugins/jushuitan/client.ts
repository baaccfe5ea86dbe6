import { randomBytes } from 'node:crypto'
import {
  HttpTransportError,
  PluginError,
  type PluginContext,
  type PluginErrorCode,
} from '#plugin-sdk'
import { JST_CODES, jushuitanSign } from './protocol.js'

export interface JushuitanConfig {
  /** The open platform's gateway (production or sandbox), without a trailing slash. */
  baseUrl: string
  appKey: string
  appSecret: string
  /** A token the platform already issued (sandbox accounts get one); optional. */
  accessToken?: string
  /** `shop_id=Quanzi shop name`, one a line; optional. */
  shopMapping?: string
  /** 仓库 for stock uploads (the platform's `warehouse`, 1 = main warehouse). */
  stockWarehouse: number
  syncEveryMinutes: number
  /** Days of 店铺商品资料 the first SKU-mapping read walks back; 0: no SKU mappings. */
  skuMappingDays: number
  /** Only this shop's listings (`shop_id`) give SKU mappings; optional. */
  skuMappingShopId?: string
}

/** The platform's published limits per app: 5 calls a second, 100 a minute. */
export const LIMITS = { perSecond: 5, perMinute: 100 } as const

/** The current token lives in the plugin's key–value store under this key. */
export const TOKEN_KEY = 'token'

export interface StoredToken {
  accessToken: string
  refreshToken: string | null
  /** ISO time; null when unknown (a token entered on the plugin page). */
  expiresAt: string | null
  /** Refresh from this time on (before expiry). */
  refreshAfter: string | null
}

const ERRORS: Record<number, PluginErrorCode> = {
  [JST_CODES.tokenExpired]: 'auth',
  [JST_CODES.ipNotAllowed]: 'auth',
  [JST_CODES.badSign]: 'auth',
  [JST_CODES.noPermission]: 'auth',
  [JST_CODES.internal]: 'transient',
  [JST_CODES.badTimestamp]: 'transient',
  [JST_CODES.tooFrequent]: 'rate_limited',
  [JST_CODES.overLimit]: 'rate_limited',
}

export function jstError(code: number, msg: string): PluginError {
  return new PluginError(ERRORS[code] ?? 'content_rejected', `聚水潭 ${code}: ${msg}`, String(code))
}

/**
 * Calls the platform: signs every request, keeps the access token (first
 * from `getInitToken`, then `refreshToken` before it expires or when the
 * platform answers 100), waits under the 5/s and 100/min limits before every
 * request — token calls and retries included — and normalises errors.
 */
export class JushuitanApi {
  constructor(
    private ctx: PluginContext<JushuitanConfig>,
    private now: () => Date = () => new Date()
  ) {}

  /** A business call (`/open/…`); resolves with the answer's `data`. */
  async call(path: string, biz: Record<string, unknown>, options: { once?: boolean } = {}) {
    let refreshed = false
    let retriedTimestamp = false
    let throttled = 0
    for (;;) {
      const token = await this.token()
      const params: Record<string, string> = {
        app_key: this.ctx.config.appKey,
        access_token: token.accessToken,
        timestamp: String(Math.floor(this.now().getTime() / 1000)),
        charset: 'utf-8',
        version: '2',
        biz: JSON.stringify(biz),
      }
      const answer = await this.#post(path, params, options.once === true)
      const code = Number(answer.code)
      if (code === JST_CODES.ok) return answer.data ?? {}
      if (code === JST_CODES.tokenExpired && !refreshed) {
        refreshed = true
        await this.refresh(token)
        continue
      }
      // A timestamp refused for skew: once more with a fresh one.
      if (code === JST_CODES.badTimestamp && !retriedTimestamp && !options.once) {
        retriedTimestamp = true
        continue
      }
      // Refused before anything was done: an upload that must not run twice is repeated too.
      if ((code === JST_CODES.tooFrequent || code === JST_CODES.overLimit) && throttled < 2) {
        throttled++
        await new Promise((resolve) => setTimeout(resolve, 1000 * throttled))
        continue
      }
      throw jstError(code, String(answer.msg ?? answer.message ?? ''))
    }
  }

  /** The stored token, fetched or refreshed first when needed. */
  async token(): Promise<StoredToken> {
    const stored = await this.ctx.kv.get<StoredToken>(TOKEN_KEY)
    if (stored) {
      if (stored.refreshAfter && Date.parse(stored.refreshAfter) <= this.now().getTime()) {
        return this.refresh(stored)
      }
      return stored
    }
    if (this.ctx.config.accessToken) {
      const seeded: StoredToken = {
        accessToken: this.ctx.config.accessToken,
        refreshToken: null,
        expiresAt: null,
        refreshAfter: null,
      }
      await this.ctx.kv.set(TOKEN_KEY, seeded)
      return seeded
    }
    return this.#initToken()
  }

  /** With the refresh token when there is one, else a new initial token. */
  async refresh(current: StoredToken | null): Promise<StoredToken> {
    if (current?.refreshToken) {
      const answer = await this.#post(
        '/openWeb/auth/refreshToken',
        {
          app_key: this.ctx.config.appKey,
          timestamp: String(Math.floor(this.now().getTime() / 1000)),
          grant_type: 'refresh_token',
          charset: 'utf-8',
          refresh_token: current.refreshToken,
          scope: 'all',
        },
        false
      )
      if (Number(answer.code) === JST_CODES.ok) return this.#store(answer.data)
      this.ctx.logger.warn({ code: answer.code, msg: answer.msg }, '聚水潭 refreshToken refused')
    }
    return this.#initToken()
  }

  async #initToken(): Promise<StoredToken> {
    const answer = await this.#post(
      '/openWeb/auth/getInitToken',
      {
        app_key: this.ctx.config.appKey,
        timestamp: String(Math.floor(this.now().getTime() / 1000)),
        grant_type: 'authorization_code',
        charset: 'utf-8',
        // Any six characters: the self-built-app flow does not check them.
        code: randomBytes(3).toString('hex'),
      },
      false
    )
    if (Number(answer.code) !== JST_CODES.ok) {
      const code = Number(answer.code)
      const error = jstError(code, String(answer.msg ?? ''))
      // Without a token nothing else works: this is a credentials problem.
      throw new PluginError(
        error.code === 'rate_limited' ? 'rate_limited' : 'auth',
        `getInitToken: ${error.message}`,
        error.providerCode
      )
    }
    return this.#store(answer.data)
  }

  async #store(data: any): Promise<StoredToken> {
    if (!data?.access_token) {
      throw new PluginError('transient', '聚水潭: token answer without access_token')
    }
    const expiresIn = Number(data.expires_in) || 0
    const now = this.now().getTime()
    // Refresh a day before expiry (or at 90 % of a short lifetime).
    const early = Math.min(86_400, expiresIn * 0.1)
    const token: StoredToken = {
      accessToken: String(data.access_token),
      refreshToken: data.refresh_token ? String(data.refresh_token) : null,
      expiresAt: expiresIn ? new Date(now + expiresIn * 1000).toISOString() : null,
      refreshAfter: expiresIn ? new Date(now + (expiresIn - early) * 1000).toISOString() : null,
    }
    await this.ctx.kv.set(TOKEN_KEY, token)
    return token
  }

  /** One signed POST under the rate limits; the parsed JSON answer. */
  async #post(path: string, params: Record<string, string>, once: boolean): Promise<any> {
    const signed = { ...params, sign: jushuitanSign(params, this.ctx.config.appSecret) }
    let response
    try {
      response = await this.ctx.http.request(
        `${this.ctx.config.baseUrl.replace(/\/+$/, '')}${path}`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
          body: new URLSearchParams(signed).toString(),
          timeoutMs: 20_000,
          // Queries may be repeated; an upload must not be sent twice blindly.
          retries: once ? 0 : 2,
          rateLimit: { key: `jushuitan-api:${this.ctx.id}`, ...LIMITS },
        }
      )
    } catch (error) {
      if (error instanceof HttpTransportError) {
        // A timeout on a one-shot call may have been carried out: not retryable.
        throw new PluginError('transient', `聚水潭 ${path}: ${error.message}`, null, {
          cause: error,
          retryable: !(once && /timed out/.test(error.message)),
        })
      }
      throw error
    }
    if (response.status !== 200 || !response.json || typeof response.json !== 'object') {
      throw new PluginError(
        response.status >= 500 || response.status === 429 ? 'transient' : 'content_rejected',
        `聚水潭 ${path}: HTTP ${response.status} ${response.text.slice(0, 200)}`,
        `HTTP ${response.status}`
      )
    }
    return response.json
  }
}
