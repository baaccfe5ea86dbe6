import { DateTime } from 'luxon'
import CouponBatch from '#app/coupons/models/coupon_batch'
import CouponTemplate from '#app/coupons/models/coupon_template'
import Coupon from '#app/coupons/models/coupon'
import { IssueCouponBatch } from '#app/coupons/actions/issue_coupon_batch'
import { UseCoupon } from '#app/coupons/actions/use_coupon'

/**
 * Demo coupons: a 满减 template issued to the 重要挽留 members (a few already
 * redeemed at the store's till) and a member-day discount not issued yet.
 * Called by the demo seeder after the members exist.
 */
export async function seedDemoCoupons(companyId: number, storeShopId: number, ownerId: number) {
  const winBack = await CouponTemplate.create({
    companyId,
    name: '老客回归 满200减30',
    kind: 'threshold',
    minSpendFen: 20000,
    amountFen: 3000,
    validDays: 30,
    createdById: ownerId,
  })
  const today = DateTime.now().setZone('Asia/Shanghai').startOf('day')
  await CouponTemplate.create({
    companyId,
    name: '会员日 85折（最多减50）',
    kind: 'discount',
    payPercent: 85,
    maxDiscountFen: 5000,
    validFrom: today.toUTC(),
    validUntil: today.plus({ days: 14 }).endOf('day').toUTC(),
    createdById: ownerId,
  })

  const batch = await CouponBatch.create({
    companyId,
    templateId: winBack.id,
    filters: { segment: 'important_retain' },
    requestKey: 'demo-win-back',
    requestedById: ownerId,
  })
  await new IssueCouponBatch().run(batch.id)

  const redeemed = await Coupon.query().where('batchId', batch.id).orderBy('id').limit(5)
  for (const [index, coupon] of redeemed.entries()) {
    await new UseCoupon().use({
      companyId,
      code: coupon.code,
      shopId: storeShopId,
      orderNo: `POS-DEMO-${index + 1}`,
      basket: { goodsFen: 25900, shippingFen: 0, shopId: storeShopId, at: DateTime.utc() },
    })
  }
}
