import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { defineJob } from '#app/shared/queue/define_job'
import { pluginHost } from '#app/plugins/plugin_host'
import { erpRegistry } from '#app/plugins/registries'
import { ErpSync, toDateTime } from '#app/plugins/erp/sync_engine'
import type { ErpConnector } from '#app/plugins/sdk/index'

/** The scheduled job runs every 15 minutes; a connector may ask to be synced less often. */
export const SCHEDULE_TICK_MINUTES = 15

/**
 * Syncs orders, then refunds, for one ERP connector (or every active one
 * when none is named). Scheduled in start/jobs.ts; "同步" on a connector's
 * plugin page dispatches it for that connector. On a scheduled run a
 * connector whose `syncEveryMinutes` has not passed since its last run is
 * skipped. A failed window is recorded on the run and picked up again by
 * the next run.
 */
export const erpSyncJob = defineJob<{ connector?: string | null }>({
  name: 'plugins.erp_sync',
  maxAttempts: 1,
  async handle({ payload, report }): Promise<Record<string, number>> {
    await pluginHost.ensureLoaded()
    const named = payload?.connector ?? null
    const connectors = named
      ? [erpRegistry.get(named)].filter((c) => c !== null)
      : erpRegistry.list()
    const totals = {
      runs: 0,
      fetched: 0,
      inserted: 0,
      updated: 0,
      errors: 0,
      failed: 0,
      skipped: 0,
    }
    for (const connector of connectors) {
      if (!named && !(await isDue(connector))) {
        totals.skipped++
        continue
      }
      for (const kind of ['orders', 'refunds'] as const) {
        const summary = await new ErpSync().run(connector.id, kind)
        totals.runs++
        totals.fetched += summary.fetched
        totals.inserted += summary.inserted
        totals.updated += summary.updated
        totals.errors += summary.errors
        if (summary.status === 'failed') totals.failed++
        await report(totals)
      }
    }
    return totals
  },
})

/** When the connector's last orders run started, and when the schedule will next run it. */
export async function syncSchedule(connector: ErpConnector, now: DateTime = DateTime.utc()) {
  const every = Math.max(SCHEDULE_TICK_MINUTES, connector.capabilities.syncEveryMinutes ?? 15)
  const last = await db
    .from('erp_sync_runs')
    .where({ connector: connector.id, kind: 'orders' })
    .orderBy('id', 'desc')
    .first()
  const lastAt = last ? toDateTime(last.started_at) : null
  const dueAt = lastAt ? lastAt.plus({ minutes: every }) : now
  // The next scheduled tick at or after dueAt (ticks at :00, :15, :30, :45).
  const base = DateTime.max(dueAt, now).startOf('minute')
  const next = base.plus({
    minutes:
      (SCHEDULE_TICK_MINUTES - (base.minute % SCHEDULE_TICK_MINUTES)) % SCHEDULE_TICK_MINUTES,
  })
  return { everyMinutes: every, lastAt, nextAt: next }
}

async function isDue(connector: ErpConnector) {
  const { everyMinutes, lastAt } = await syncSchedule(connector)
  // A tick may fire a little early or late: two minutes of slack.
  return !lastAt || DateTime.utc().diff(lastAt, 'minutes').minutes >= everyMinutes - 2
}
