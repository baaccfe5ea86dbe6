import { defineJob } from '#app/shared/queue/define_job'
import Company from '#app/organization/models/company'
import { AutoTags } from '#app/members/actions/auto_tags'

/**
 * 自动标签: recomputes auto-tag rules — one rule (after it is created or
 * changed), every rule of a company (nightly after RFM, after imports), or
 * every rule for some members only (after an incremental RFM recompute).
 */
export const autoTagsJob = defineJob<{ companyId?: number; ruleId?: number; memberIds?: number[] }>(
  {
    name: 'members.auto_tags',
    maxAttempts: 2,
    async handle({ payload, progress, run }) {
      const companies = payload?.companyId
        ? [{ id: payload.companyId }]
        : await Company.query().select('id')
      const totals = { rules: 0, added: 0, removed: 0 }
      for (const [index, company] of companies.entries()) {
        const autoTags = new AutoTags()
        if (!payload?.memberIds) await autoTags.markRun(company.id, run.id, payload?.ruleId)
        const result = await autoTags.apply(company.id, {
          ruleId: payload?.ruleId,
          memberIds: payload?.memberIds,
          onProgress: (done, total) =>
            progress(index * total + done, companies.length * Math.max(total, 1)),
        })
        totals.rules += result.rules
        totals.added += result.added
        totals.removed += result.removed
      }
      await progress(1, 1)
      return totals
    },
  }
)
