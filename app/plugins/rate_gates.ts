import { Redis } from 'ioredis'

/**
 * The one way Quanzi keeps calls to an outside system within its limits:
 * the dispatcher's provider calls, ERP sync pages and stock pushes, and
 * plugin HTTP requests that ask for it (`rateLimit`). Calls sharing a key
 * are spaced `1 / perSecond` apart (strict spacing, no burst), and when
 * `perMinute` is set a call also waits until the call `perMinute` places
 * back is a minute old (聚水潭: 5 a second and 100 a minute).
 *
 * `margin` stretches both (1.05: 5 % under each limit) for providers that
 * refuse a call landing just inside their window because of timer or
 * network jitter; the dispatcher uses none, to keep its rate busy.
 *
 * No framework imports here: worker scripts and the bench use these
 * classes on their own.
 */
export interface RateLimits {
  perSecond?: number
  perMinute?: number
  /** ≥ 1; default 1. */
  margin?: number
}

export interface RateGate {
  /** Resolves when the caller may make one call under `key`, and counts it. */
  take(key: string, limits: RateLimits): Promise<void>
  /** Reserves the next slot under `key` and answers how long until it (ms); `take` waits it out. */
  reserve(key: string, limits: RateLimits): Promise<number>
  /** Forgets the reservations of these keys (all when none are given). For tests. */
  reset(...keys: string[]): Promise<void>
  close(): Promise<void>
}

export interface Clock {
  now(): number
  sleep(ms: number): Promise<void>
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
const realClock: Clock = { now: () => performance.timeOrigin + performance.now(), sleep }

/** Milliseconds between two calls; 0 when there is no per-second limit. */
function spacingMs(limits: RateLimits) {
  const perSecond = limits.perSecond ?? 0
  return perSecond > 0 ? (1000 / perSecond) * Math.max(1, limits.margin ?? 1) : 0
}

const minuteMs = (limits: RateLimits) => 60_000 * Math.max(1, limits.margin ?? 1)

/** One process's gate (no Redis): with several processes, each would allow the full rate. */
export class InProcessRateGate implements RateGate {
  #nextSlot = new Map<string, number>()
  /** Reserved start times of the last `perMinute` calls per key, oldest first. */
  #recent = new Map<string, number[]>()

  constructor(private clock: Clock = realClock) {}

  async take(key: string, limits: RateLimits) {
    const wait = await this.reserve(key, limits)
    if (wait > 0) await this.clock.sleep(wait)
  }

  async reserve(key: string, limits: RateLimits) {
    const now = this.clock.now()
    let slot = Math.max(now, this.#nextSlot.get(key) ?? 0)
    const perMinute = limits.perMinute ?? 0
    if (perMinute > 0) {
      const recent = this.#recent.get(key) ?? []
      if (recent.length >= perMinute) {
        slot = Math.max(slot, recent[recent.length - perMinute] + minuteMs(limits))
      }
      recent.push(slot)
      this.#recent.set(key, recent.slice(-perMinute))
    }
    this.#nextSlot.set(key, slot + spacingMs(limits))
    return slot - now
  }

  async reset(...keys: string[]) {
    if (keys.length === 0) {
      this.#nextSlot.clear()
      this.#recent.clear()
    }
    for (const key of keys) {
      this.#nextSlot.delete(key)
      this.#recent.delete(key)
    }
  }

  async close() {}
}

/**
 * The same reservation in Redis, by one Lua script (atomic): every process
 * sharing the Redis and the prefix shares the budget. Redis's own clock
 * (TIME) decides, so the processes' clocks need not agree. KEYS[1] holds
 * the next free slot, KEYS[2] the last `perMinute` slots (microseconds).
 * Returns the wait in microseconds.
 */
const RESERVE_SLOT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local spacing = tonumber(ARGV[1])
local perMinute = tonumber(ARGV[2])
local minute = tonumber(ARGV[3])
local slot = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
if perMinute > 0 then
  local count = redis.call('LLEN', KEYS[2])
  if count >= perMinute then
    slot = math.max(slot, tonumber(redis.call('LINDEX', KEYS[2], count - perMinute)) + minute)
  end
  redis.call('RPUSH', KEYS[2], string.format('%.0f', slot))
  redis.call('LTRIM', KEYS[2], -perMinute, -1)
  redis.call('PEXPIRE', KEYS[2], math.floor((slot - now + minute) / 1000) + 1000)
end
local after = slot + spacing
redis.call('SET', KEYS[1], string.format('%.0f', after), 'PX', math.floor((after - now) / 1000) + 1000)
return math.floor(slot - now)
`

type WithReserve = Redis & {
  quanziReserveSlot(
    nextKey: string,
    recentKey: string,
    spacingUs: number,
    perMinute: number,
    minuteUs: number
  ): Promise<number>
}

export class RedisRateGate implements RateGate {
  #redis: WithReserve
  #ownsConnection: boolean

  constructor(
    redis: string | Redis,
    private prefix: string
  ) {
    this.#ownsConnection = typeof redis === 'string'
    const connection =
      typeof redis === 'string'
        ? new Redis(redis, { lazyConnect: true, maxRetriesPerRequest: 3 })
        : redis
    connection.defineCommand('quanziReserveSlot', { numberOfKeys: 2, lua: RESERVE_SLOT })
    this.#redis = connection as WithReserve
  }

  #keys(key: string) {
    return [`${this.prefix}:rate:${key}`, `${this.prefix}:rate:${key}:minute`] as const
  }

  async take(key: string, limits: RateLimits) {
    const wait = await this.reserve(key, limits)
    if (wait > 0) await sleep(wait)
  }

  async reserve(key: string, limits: RateLimits) {
    const [nextKey, recentKey] = this.#keys(key)
    const waitUs = Number(
      await this.#redis.quanziReserveSlot(
        nextKey,
        recentKey,
        Math.round(spacingMs(limits) * 1000),
        Math.max(0, Math.floor(limits.perMinute ?? 0)),
        Math.round(minuteMs(limits) * 1000)
      )
    )
    return waitUs / 1000
  }

  async reset(...keys: string[]) {
    const names = keys.length
      ? keys.flatMap((key) => this.#keys(key))
      : await this.#redis.keys(`${this.prefix}:rate:*`)
    if (names.length) await this.#redis.del(...names)
  }

  async close() {
    if (this.#ownsConnection) this.#redis.disconnect()
  }
}
