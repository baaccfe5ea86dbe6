import {
  HealthChecks,
  DiskSpaceCheck,
  MemoryHeapCheck,
  BaseCheck,
  Result,
} from '@adonisjs/core/health'
import type { HealthCheckResult } from '@adonisjs/core/types/health'
import { DbCheck } from '@adonisjs/lucid/database'
import db from '@adonisjs/lucid/services/db'
import queue from '#app/shared/queue/queue'
import { PluginsCheck } from '#app/plugins/health_check'

/** Redis behind the job queue, when one is configured. */
class QueueRedisCheck extends BaseCheck {
  name = 'Queue (Redis) check'

  async run(): Promise<HealthCheckResult> {
    if (queue.driverName !== 'bullmq') {
      return Result.ok('No Redis configured: jobs run in-process').mergeMetaData({
        driver: queue.driverName,
      })
    }
    try {
      await queue.ping()
      return Result.ok('Redis answers').mergeMetaData({ driver: queue.driverName })
    } catch (error) {
      return Result.failed('Redis does not answer', error as Error)
    }
  }
}

/**
 * What /health reports. Modules that own a dependency add their check here
 * (the plugin loader adds plugins).
 */
export const healthChecks = new HealthChecks().register([
  // Thresholds that mean trouble, not a busy day: a fixed 300 MB heap limit
  // (the default) would fail /health during a large import.
  new DiskSpaceCheck().warnWhenExceeds(90).failWhenExceeds(97),
  new MemoryHeapCheck().warnWhenExceedsPercentage(80).failWhenExceedsPercentage(95),
  new DbCheck(db.connection()),
  new QueueRedisCheck(),
  new PluginsCheck(),
])
