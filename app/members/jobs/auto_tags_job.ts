import { defineJob } from '#app/shared/queue/define_job'
import queue from '#app/shared/queue/queue'
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

/**
 * Queues a recompute of one rule (or all of a company's) and records the run
 * on the rules, so the tag page and the API can show its progress.
 */
export async function dispatchAutoTags(
  companyId: number,
  ruleId: number | undefined,
  requestedBy: { id: number }
) {
  const run = await queue.dispatch(autoTagsJob, { companyId, ruleId }, { requestedBy })
  await new AutoTags().markRun(companyId, run.id, ruleId)
  return run
}
