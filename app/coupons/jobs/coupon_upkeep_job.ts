import { defineJob } from '#app/shared/queue/define_job'

/**
 * Every quarter of an hour: coupons used by newly arrived orders are marked,
 * coupons of closed orders given back, and coupons past their time expired.
 */
export const couponUpkeepJob = defineJob<Record<string, never>>({
  name: 'coupons.upkeep',
  maxAttempts: 3,
  async handle() {
    const { findCurrentCompany } = await import('#app/organization/current_company')
    const { SyncCouponUsage, expireCoupons } =
      await import('#app/coupons/actions/sync_coupon_usage')
    const company = await findCurrentCompany()
    if (!company) return { orders: 0 }
    const usage = await new SyncCouponUsage().handle(company.id)
    const expired = await expireCoupons(company.id)
    return { ...usage, expired }
  },
})
