import queueConfig from '#config/queue'
import { InProcessRateGate, RedisRateGate, type RateGate } from '#app/plugins/messaging/rate_gates'

/**
 * The dispatcher's rate gate: shared by every worker through Redis when
 * REDIS_URL is set (the same Redis and QUEUE_PREFIX as the job queue),
 * per process otherwise (then there is only the one process that runs jobs).
 */
let gate: RateGate | null = null

export function rateGate(): RateGate {
  gate ??= queueConfig.redisUrl
    ? new RedisRateGate(queueConfig.redisUrl, queueConfig.prefix)
    : new InProcessRateGate()
  return gate
}

/** Waits for the next slot for one call to `provider`. */
export async function takeSlot(provider: string, ratePerSecond: number) {
  await rateGate().take(provider, ratePerSecond)
}

export async function closeRateGate() {
  const current = gate
  gate = null
  await current?.close()
}
