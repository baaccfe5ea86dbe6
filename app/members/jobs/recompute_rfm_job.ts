import { defineJob } from '#app/shared/queue/define_job'
import Company from '#app/organization/models/company'
import { RecomputeRfm } from '#app/members/actions/recompute_rfm'

/** Nightly, and after every import: RFM scores, segments and lifecycle stages of every member. */
export const recomputeRfmJob = defineJob<{ companyId?: number }>({
  name: 'members.rfm_recompute',
  maxAttempts: 2,
  async handle({ payload, progress }) {
    const companies = payload?.companyId
      ? [{ id: payload.companyId }]
      : await Company.query().select('id')
    for (const [index, company] of companies.entries()) {
      await new RecomputeRfm().handle(company.id)
      await progress(index + 1, companies.length)
    }
    return { companies: companies.length }
  },
})
