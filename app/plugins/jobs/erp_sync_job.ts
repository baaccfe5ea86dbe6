import { defineJob } from '#app/shared/queue/define_job'
import { pluginHost } from '#app/plugins/plugin_host'
import { erpRegistry } from '#app/plugins/registries'
import { ErpSync } from '#app/plugins/erp/sync_engine'

/**
 * Syncs orders, then refunds, for one ERP connector (or every active one
 * when none is named). Scheduled in start/jobs.ts; "同步" on a connector's
 * plugin page dispatches it for that connector. A failed window is
 * recorded on the run and picked up again by the next run.
 */
export const erpSyncJob = defineJob<{ connector?: string | null }>({
  name: 'plugins.erp_sync',
  maxAttempts: 1,
  async handle({ payload, report }): Promise<Record<string, number>> {
    await pluginHost.ensureLoaded()
    const connectors = payload?.connector
      ? [erpRegistry.get(payload.connector)].filter((c) => c !== null)
      : erpRegistry.list()
    const totals = { runs: 0, fetched: 0, inserted: 0, updated: 0, errors: 0, failed: 0 }
    for (const connector of connectors) {
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
