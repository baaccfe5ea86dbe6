import { Redis } from 'ioredis'

/**
 * Spaces provider calls so they never exceed a rate: each caller reserves
 * the next free slot (1 / rate seconds after the previous one) and waits
 * for it. Strict spacing, no burst: a provider that counts calls per
 * second sees at most `rate` of them in any second (give or take timer
 * jitter of a few milliseconds).
 *
 * No framework imports here: worker scripts and the bench use these
 * classes on their own.
 */
export interface RateGate {
  /** Resolves when the caller may make one call to `provider`. */
  take(provider: string, ratePerSecond: number): Promise<void>
  close(): Promise<void>
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const intervalMs = (ratePerSecond: number) => 1000 / Math.max(ratePerSecond, 0.001)

/** One process's gate (no Redis): with several processes, each would allow the full rate. */
export class InProcessRateGate implements RateGate {
  #nextSlot = new Map<string, number>()

  async take(provider: string, ratePerSecond: number) {
    const now = performance.timeOrigin + performance.now()
    const slot = Math.max(now, this.#nextSlot.get(provider) ?? 0)
    this.#nextSlot.set(provider, slot + intervalMs(ratePerSecond))
    if (slot > now) await sleep(slot - now)
  }

  async close() {}
}

/**
 * The next free slot lives in Redis, reserved by one Lua script (atomic):
 * every process sharing the Redis and the prefix shares the provider's
 * rate. Redis's own clock (TIME) decides, so the processes' clocks need
 * not agree. Returns the wait in microseconds.
 */
const RESERVE_SLOT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local nextSlot = tonumber(redis.call('GET', KEYS[1]) or '0')
local slot = math.max(now, nextSlot)
local after = slot + tonumber(ARGV[1])
redis.call('SET', KEYS[1], string.format('%.0f', after), 'PX', math.floor((after - now) / 1000) + 1000)
return math.floor(slot - now)
`

type WithReserve = Redis & { quanziReserveSlot(key: string, intervalUs: number): Promise<number> }

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
    connection.defineCommand('quanziReserveSlot', { numberOfKeys: 1, lua: RESERVE_SLOT })
    this.#redis = connection as WithReserve
  }

  async take(provider: string, ratePerSecond: number) {
    const key = `${this.prefix}:rate:${provider}`
    const waitUs = Number(
      await this.#redis.quanziReserveSlot(key, Math.round(intervalMs(ratePerSecond) * 1000))
    )
    if (waitUs > 0) await sleep(waitUs / 1000)
  }

  async close() {
    if (this.#ownsConnection) this.#redis.disconnect()
  }
}
