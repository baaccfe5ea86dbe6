import queueConfig from '#config/queue'
import {
  InProcessRateGate,
  RedisRateGate,
  type RateGate,
  type RateLimits,
} from '#app/plugins/rate_gates'

/**
 * The app's rate gate: shared by every worker through Redis when REDIS_URL
 * is set (the same Redis and QUEUE_PREFIX as the job queue), per process
 * otherwise (then there is only the one process that runs jobs).
 */
let gate: RateGate | null = null

/** 5 % under an ERP's or a plugin HTTP call's limits, for jitter on either side. */
export const SAFETY_MARGIN = 1.05

export function rateGate(): RateGate {
  gate ??= queueConfig.redisUrl
    ? new RedisRateGate(queueConfig.redisUrl, queueConfig.prefix)
    : new InProcessRateGate()
  return gate
}

/** Waits for the next slot for one call under `key` (a provider, `erp:<connector>` …). */
export async function takeSlot(key: string, limits: RateLimits) {
  await rateGate().take(key, limits)
}

/** The slot for one request to an ERP connector: its declared limits, with the margin. */
export async function takeErpSlot(
  connectorId: string,
  capabilities: { ratePerSecond: number; ratePerMinute?: number }
) {
  await takeSlot(`erp:${connectorId}`, {
    perSecond: capabilities.ratePerSecond,
    perMinute: capabilities.ratePerMinute,
    margin: SAFETY_MARGIN,
  })
}

export async function closeRateGate() {
  const current = gate
  gate = null
  await current?.close()
}
