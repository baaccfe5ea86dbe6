import { defineJob } from '#app/shared/queue/define_job'
import { AccrueFromCommerce } from '#app/loyalty/actions/accrue_from_commerce'
import { PointsLedger } from '#app/loyalty/services/points_ledger'
import { Tiers } from '#app/loyalty/services/tiers'
import { GrantBonuses } from '#app/loyalty/actions/grant_bonuses'
import { MovePointsOnMerge } from '#app/loyalty/actions/move_points_on_merge'
import Company from '#app/organization/models/company'

/**
 * 积分入账: reads the commerce status history after the stored cursor
 * (orders paid/completed → pending points, completed refunds → reversals),
 * then makes pending points whose return window ended available, and
 * finishes merge transfers a crash interrupted.
 * Idempotent and resumable: every posting has a key, the cursor moves per batch.
 */
export const accruePointsJob = defineJob<Record<string, never>>({
  name: 'loyalty.accrue',
  maxAttempts: 3,
  async handle({ report }) {
    const accrual = new AccrueFromCommerce()
    const counts = await accrual.run({ onBatch: (progress) => report({ ...progress }) })
    const released = await accrual.releaseDue()
    // Points of member merges (and their undoing) that a crash left half moved.
    const mergeTransfers = await new MovePointsOnMerge().resumeUnfinished()
    const result = { ...counts, released, mergeTransfers }
    await report(result)
    return result
  },
})

/** 积分过期: daily, expires due lots — one posting per lot, batched, resumable. */
export const expirePointsJob = defineJob<Record<string, never>>({
  name: 'loyalty.expire',
  maxAttempts: 3,
  async handle({ report }) {
    const expired = await new PointsLedger().expireDue()
    await report({ expired })
    return { expired }
  },
})

/** 等级复评: daily — upgrades missed, downgrades after the grace period, manual tiers that ended. */
export const reevaluateTiersJob = defineJob<{ companyId?: number }>({
  name: 'loyalty.tiers',
  maxAttempts: 2,
  async handle({ payload, report }) {
    const companies = payload?.companyId
      ? [{ id: payload.companyId }]
      : await Company.query().select('id')
    const totals = { members: 0, upgrades: 0, downgrades: 0 }
    for (const company of companies) {
      const counts = await new Tiers().reevaluateAll(company.id)
      totals.members += counts.members
      totals.upgrades += counts.upgrades
      totals.downgrades += counts.downgrades
      await report(totals)
    }
    return totals
  },
})

/** 奖励积分: daily — signup, first order, birthday month and completed-profile bonuses, once each. */
export const grantBonusesJob = defineJob<{ companyId?: number }>({
  name: 'loyalty.bonuses',
  maxAttempts: 3,
  async handle({ payload, report }) {
    const companies = payload?.companyId
      ? [{ id: payload.companyId }]
      : await Company.query().select('id')
    const totals = { signup: 0, first_order: 0, birthday: 0, profile: 0 }
    for (const company of companies) {
      const counts = await new GrantBonuses().run(company.id)
      for (const kind of Object.keys(totals) as Array<keyof typeof totals>) {
        totals[kind] += counts[kind]
      }
      await report(totals)
    }
    return totals
  },
})
