import type { HttpContext } from '@adonisjs/core/http'
import { DateTime } from 'luxon'
import { currentCompany } from '#app/organization/current_company'
import { UseCoupon } from '#app/coupons/actions/use_coupon'
import { formatCouponCode } from '#app/coupons/actions/coupon_rules'
import { apiCouponCheckValidator, apiCouponUseValidator } from '#app/coupons/validators/coupon'

/** /api/v1/coupons: what a till or shop system calls to check and redeem (核销) a coupon. */
export default class ApiCouponsController {
  /** POST /api/v1/coupons/validate: may this code be used on this basket, and for how much? */
  async check({ request }: HttpContext) {
    const company = await currentCompany()
    const input = await request.validateUsing(apiCouponCheckValidator)
    const { coupon, template, discountFen } = await new UseCoupon().check({
      companyId: company.id,
      code: input.code,
      memberId: input.memberId,
      basket: {
        goodsFen: input.goodsFen,
        shippingFen: input.shippingFen ?? 0,
        shopId: input.shopId ?? null,
        at: DateTime.utc(),
      },
    })
    return {
      data: {
        code: formatCouponCode(coupon.code),
        template: { id: template.id, name: template.name, kind: template.kind },
        memberId: coupon.memberId,
        validUntil: coupon.validUntil.toISO(),
        discountFen,
      },
    }
  }

  /** POST /api/v1/coupons/use: mark the coupon used by an order; the same order again is a no-op. */
  async use({ request }: HttpContext) {
    const company = await currentCompany()
    const input = await request.validateUsing(apiCouponUseValidator)
    const { coupon, discountFen } = await new UseCoupon().use({
      companyId: company.id,
      code: input.code,
      memberId: input.memberId,
      shopId: input.shopId,
      orderNo: input.orderNo,
      basket: {
        goodsFen: input.goodsFen,
        shippingFen: input.shippingFen ?? 0,
        shopId: input.shopId,
        at: DateTime.utc(),
      },
    })
    return {
      data: {
        code: formatCouponCode(coupon.code),
        status: coupon.status,
        orderNo: coupon.usedOrderNo,
        usedAt: coupon.usedAt?.toISO() ?? null,
        discountFen,
      },
    }
  }
}
