import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { IncrementalRfm } from '#app/members/actions/incremental_rfm'
import { defineJob } from '#app/shared/queue/define_job'
import queue from '#app/shared/queue/queue'
import Company from '#app/organization/models/company'
import { RecomputeRfm } from '#app/members/actions/recompute_rfm'
import { autoTagsJob } from '#app/members/jobs/auto_tags_job'
import { toDbTime } from '#app/shared/kernel/db_values'

/**
 * Nightly, and after every import: RFM scores, segments and lifecycle
 * stages of every member; then the auto tags, whose rules may read them.
 */
export const recomputeRfmJob = defineJob<{ companyId?: number }>({
  name: 'members.rfm_recompute',
  maxAttempts: 2,
  async handle({ payload, progress, run }) {
    const companies = payload?.companyId
      ? [{ id: payload.companyId }]
      : await Company.query().select('id')
    for (const [index, company] of companies.entries()) {
      const startedAt = DateTime.utc()
      await new RecomputeRfm().handle(company.id, startedAt)
      // The incremental recompute places members in this ranking; members
      // marked before it started are up to date now.
      await new IncrementalRfm().captureCuts(company.id, startedAt)
      await db
        .from('member_rfm_dirty')
        .where('company_id', company.id)
        .where('marked_at', '<=', toDbTime(startedAt, db.connection())!)
        .delete()
      await queue.dispatch(
        autoTagsJob,
        { companyId: company.id },
        { idempotencyKey: `members.auto_tags:after-rfm:${run.id}:${company.id}` }
      )
      await progress(index + 1, companies.length)
    }
    return { companies: companies.length }
  },
})
