import { defineJob } from '#app/shared/queue/define_job'

export interface IssueCouponBatchPayload {
  batchId: number
}

/** 批量发券 as a job: progress by members walked; rerunnable (see IssueCouponBatch). */
export const issueCouponBatchJob = defineJob<IssueCouponBatchPayload>({
  name: 'coupons.issue_batch',
  maxAttempts: 3,
  async handle({ payload, progress }) {
    const { IssueCouponBatch } = await import('#app/coupons/actions/issue_coupon_batch')
    const counts = await new IssueCouponBatch().run(payload.batchId, progress)
    return { ...counts }
  },
})
