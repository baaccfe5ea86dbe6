import env from '#start/env'

/**
 * Jobs run on BullMQ when REDIS_URL is set (a separate `node ace queue:work`
 * process), otherwise inside the web process. Either way every run is a
 * row in job_runs, which is what the UI reads.
 */
const queueConfig = {
  redisUrl: env.get('REDIS_URL') || null,
  /** Prefix of BullMQ keys, so several installs can share one Redis. */
  prefix: env.get('QUEUE_PREFIX', 'quanzi'),
  /** Jobs one process runs at the same time. */
  concurrency: env.get('QUEUE_CONCURRENCY', 2),
  /** First retry waits this long; each further retry doubles it. */
  backoffMs: env.get('NODE_ENV') === 'test' ? 20 : 5_000,
  /** How often the in-process driver looks for due retries and schedules. */
  pollIntervalMs: 1_000,
  /**
   * On SIGTERM, how long a process waits for its running jobs (which stop at
   * their next safe point) before it exits anyway; keep it below the stop
   * timeout of systemd or Docker.
   */
  shutdownGraceMs: env.get(
    'QUEUE_SHUTDOWN_GRACE_MS',
    env.get('NODE_ENV') === 'test' ? 2_000 : 20_000
  ),
  /** A run still "running" this long after its last heartbeat belonged to a dead process. */
  staleAfterMs: 10 * 60_000,
}

export default queueConfig
export type QueueConfig = typeof queueConfig
