import { defineJob } from '#app/shared/queue/define_job'
import Import from '#app/members/models/import'
import { ExecuteImport } from '#app/members/actions/execute_import'
import queue from '#app/shared/queue/queue'
import { incrementalRfmJob } from '#app/members/jobs/incremental_rfm_job'

/** Runs an uploaded import in the background; the imports row and the job run both show progress. */
export const importJob = defineJob<{ importId: number; shopId: number | null }>({
  name: 'members.import',
  maxAttempts: 2,
  async handle({ payload, progress, signal }) {
    const record = await Import.findOrFail(payload.importId)
    const summary = await new ExecuteImport().handle(record, {
      defaultShopId: payload.shopId,
      signal,
      onProgress: (done, total) => progress(done, total),
    })
    await progress(1, 1)
    // Segments follow the new orders: the incremental recompute covers the
    // members whose orders this import changed (member_rfm_dirty), not all.
    if (summary.inserted + summary.updated > 0) {
      await queue.dispatch(
        incrementalRfmJob,
        { companyId: record.companyId },
        { idempotencyKey: `members.rfm_incremental:import:${record.id}` }
      )
    }
    return {
      rows: summary.rows,
      inserted: summary.inserted,
      updated: summary.updated,
      duplicates: summary.duplicates,
      rejected: summary.rejected,
    }
  },
})
