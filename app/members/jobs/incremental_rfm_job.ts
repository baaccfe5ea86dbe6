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
      const { memberIds, full } = await new IncrementalRfm().drain(companyId, {
        onProgress: (done, total) => progress(done, total),
      })
      members += memberIds.length
      if (full) await new AutoTags().apply(companyId)
      else if (memberIds.length) await new AutoTags().apply(companyId, { memberIds })
    }
    await progress(1, 1)
    return { companies: companies.length, members }
  },
})
