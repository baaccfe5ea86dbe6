import CouponTemplate from '#app/coupons/models/coupon_template'

/** A 满200减30 template (threshold ¥200, ¥30 off, valid 30 days); `overrides` as needed. */
export function thresholdTemplate(companyId: number, overrides: Partial<CouponTemplate> = {}) {
  return CouponTemplate.create({
    companyId,
    name: '满200减30',
    kind: 'threshold',
    minSpendFen: 20000,
    amountFen: 3000,
    validDays: 30,
    ...overrides,
  })
}
