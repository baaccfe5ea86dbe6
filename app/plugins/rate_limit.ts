/**
 * Keeps calls that share a key within a per-second and a per-minute limit
 * (per process): each caller reserves the earliest moment that breaks
 * neither limit and waits for it. Used by the plugin HTTP client
 * (`rateLimit` on a request) and by the ERP sync engine (a connector's
 * declared `ratePerSecond` / `ratePerMinute`).
 *
 * A small margin is kept under each limit so that timer jitter on our side
 * and network jitter on the way never land two requests inside the
 * provider's window.
 */
export interface Clock {
  now(): number
  sleep(ms: number): Promise<void>
}

const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
}

const MARGIN = 1.05

export class RateLimiter {
  /** Reserved start times per key, oldest first, kept for a minute. */
  #reserved = new Map<string, number[]>()

  constructor(private clock: Clock = realClock) {}

  /** Waits until a call under `key` may start, and counts it. */
  async take(key: string, limits: { perSecond?: number; perMinute?: number }) {
    const at = this.reserve(key, limits)
    const wait = at - this.clock.now()
    if (wait > 0) await this.clock.sleep(wait)
  }

  /** The moment the next call under `key` may start (reserved for the caller). */
  reserve(key: string, limits: { perSecond?: number; perMinute?: number }): number {
    const now = this.clock.now()
    const times = (this.#reserved.get(key) ?? []).filter((t) => t > now - 60_000 * MARGIN)
    let at = Math.max(now, times.at(-1) ?? 0)
    if (limits.perSecond && limits.perSecond > 0) {
      const spacing = (1000 / limits.perSecond) * MARGIN
      const last = times.at(-1)
      if (last !== undefined) at = Math.max(at, last + spacing)
    }
    if (limits.perMinute && limits.perMinute > 0 && times.length >= limits.perMinute) {
      // The call perMinute places back must be more than a minute old.
      const blocking = times[times.length - limits.perMinute]
      at = Math.max(at, blocking + 60_000 * MARGIN)
    }
    times.push(at)
    this.#reserved.set(key, times)
    return at
  }

  reset() {
    this.#reserved.clear()
  }
}

/** The process-wide limiter plugins and the ERP engine share. */
export const rateLimiter = new RateLimiter()
