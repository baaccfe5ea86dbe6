import db from '@adonisjs/lucid/services/db'
import { defineJob } from '#app/shared/queue/define_job'
import { IncrementalRfm } from '#app/members/actions/incremental_rfm'
import { AutoTags } from '#app/members/actions/auto_tags'

/**
 * Every few minutes: RFM and lifecycle for the members whose orders changed
 * (member_rfm_dirty), then the auto tags for those members only.
 */
export const incrementalRfmJob = defineJob<{ companyId?: number }>({
  name: 'members.rfm_incremental',
  maxAttempts: 2,
  async handle({ payload, progress }) {
    const dirty = payload?.companyId
      ? [{ company_id: payload.companyId }]
      : await db.from('member_rfm_dirty').distinct('company_id')
    const companies = dirty.map((row: any) => Number(row.company_id))
    let members = 0
    for (const companyId of companies) {
      const { memberIds } = await recomputeDirtyMembers(companyId, (done, total) =>
        progress(done, total)
      )
      members += memberIds.length
    }
    await progress(1, 1)
    return { companies: companies.length, members }
  },
})

/**
 * RFM, lifecycle and auto tags of a company's members whose orders changed
 * (member_rfm_dirty) — what the job runs per company, and what an import
 * ends with (the CLI calls it directly).
 */
export async function recomputeDirtyMembers(
  companyId: number,
  onProgress?: (done: number, total: number) => Promise<void>
) {
  const result = await new IncrementalRfm().drain(companyId, { onProgress })
  if (result.full) await new AutoTags().apply(companyId)
  else if (result.memberIds.length) {
    await new AutoTags().apply(companyId, { memberIds: result.memberIds })
  }
  return result
}
