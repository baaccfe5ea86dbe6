import {
  HttpTransportError,
  type HttpRequestOptions,
  type HttpResponse,
  type PluginHttpClient,
} from '#app/plugins/sdk/index'
import { SAFETY_MARGIN, takeSlot } from '#app/plugins/rate_gate'

const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504])

/**
 * The HTTP client plugins get: a timeout per attempt, and retries with
 * exponential backoff (and jitter) on network errors, timeouts, 429 and
 * 5xx. Callers of non-idempotent endpoints pass `retries: 0` and decide.
 * A request with `rateLimit` waits for its slot before every attempt.
 */
export class PluginHttp implements PluginHttpClient {
  constructor(
    private defaults: { timeoutMs: number; retries: number; backoffMs: number } = {
      timeoutMs: 10_000,
      retries: 2,
      backoffMs: 200,
    }
  ) {}

  async request(url: string, options: HttpRequestOptions = {}): Promise<HttpResponse> {
    const retries = options.retries ?? this.defaults.retries
    const timeoutMs = options.timeoutMs ?? this.defaults.timeoutMs
    const headers: Record<string, string> = { ...options.headers }
    let body: string | undefined
    if (typeof options.body === 'string') body = options.body
    else if (options.body !== undefined) {
      body = JSON.stringify(options.body)
      if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
        headers['content-type'] = 'application/json'
    }

    let lastError: unknown
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) {
        const delay = this.defaults.backoffMs * 2 ** (attempt - 1)
        await new Promise((resolve) => setTimeout(resolve, delay + Math.random() * delay * 0.2))
      }
      if (options.rateLimit) {
        await takeSlot(options.rateLimit.key, { ...options.rateLimit, margin: SAFETY_MARGIN })
      }
      try {
        const response = await fetch(url, {
          method: options.method ?? (body === undefined ? 'GET' : 'POST'),
          headers,
          body,
          signal: AbortSignal.timeout(timeoutMs),
        })
        const text = await response.text()
        const result: HttpResponse = {
          status: response.status,
          headers: Object.fromEntries(response.headers.entries()),
          text,
          json: parseJson(text),
        }
        if (RETRYABLE_STATUS.has(response.status) && attempt < retries) {
          lastError = new Error(`HTTP ${response.status}`)
          continue
        }
        return result
      } catch (error) {
        lastError = error
        if (attempt >= retries) break
      }
    }
    const error = lastError as Error
    const timedOut = error?.name === 'TimeoutError' || error?.name === 'AbortError'
    throw new HttpTransportError(
      timedOut ? `timed out after ${timeoutMs} ms` : `network error: ${error?.message}`,
      { cause: error }
    )
  }
}

function parseJson(text: string): any {
  if (!text) return null
  try {
    return JSON.parse(text)
  } catch {
    return null
  }
}
