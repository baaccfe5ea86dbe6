import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { DomainError } from '#app/shared/errors/domain_error'
import Coupon from '#app/coupons/models/coupon'
import CouponTemplate from '#app/coupons/models/coupon_template'
import {
  couponDiscount,
  couponRefusal,
  normaliseCouponCode,
  type CouponBasket,
} from '#app/coupons/actions/coupon_rules'
import { affectedRows, toDbTime } from '#app/shared/kernel/db_values'

export interface CouponCheck {
  companyId: number
  code: string
  basket: CouponBasket
  /** When given, the coupon must belong to this member. */
  memberId?: number | null
}

/**
 * 核销: a shop system checks a coupon against a basket and marks it used by
 * an order. Marking is a conditional update (only an issued coupon changes),
 * so two tills racing for one coupon get one success; the same order asking
 * again gets the same answer (idempotent).
 */
export class UseCoupon {
  async check(request: CouponCheck) {
    const coupon = await this.#find(request)
    const template = await CouponTemplate.findOrFail(coupon.templateId)
    const refusal = couponRefusal(coupon, template, request.basket)
    if (refusal) throw refused(refusal, coupon)
    return { coupon, template, discountFen: couponDiscount(template, request.basket) }
  }

  async use(request: CouponCheck & { orderNo: string; shopId: number }) {
    const coupon = await this.#find(request)
    if (this.#usedBy(coupon, request)) return { coupon, discountFen: coupon.discountFen ?? 0 }

    const { template, discountFen } = await this.check(request)
    const client = db.connection()
    const changed = await db
      .from('coupons')
      .where('id', coupon.id)
      .where('status', 'issued')
      .update({
        status: 'used',
        used_at: toDbTime(request.basket.at.toUTC(), client),
        used_shop_id: request.shopId,
        used_order_no: request.orderNo,
        discount_fen: discountFen,
        updated_at: toDbTime(DateTime.utc(), client),
      })
    await coupon.refresh()
    if (!affectedRows(changed) && !this.#usedBy(coupon, request)) throw refused('used', coupon)
    return { coupon, template, discountFen: coupon.discountFen ?? discountFen }
  }

  #usedBy(coupon: Coupon, request: { orderNo: string; shopId: number }) {
    return (
      coupon.status === 'used' &&
      coupon.usedShopId === request.shopId &&
      coupon.usedOrderNo === request.orderNo
    )
  }

  async #find(request: CouponCheck) {
    const coupon = await Coupon.query()
      .where('company_id', request.companyId)
      .where('code', normaliseCouponCode(request.code))
      .first()
    // Another member's coupon is reported as unknown: codes are not to be probed.
    if (!coupon || (request.memberId && coupon.memberId !== request.memberId)) {
      throw new DomainError('E_COUPON_NOT_FOUND', 'coupons.errors.not_found', 404)
    }
    return coupon
  }
}

function refused(reason: string, coupon: Coupon) {
  return new DomainError(
    `E_COUPON_${reason.toUpperCase()}`,
    `coupons.errors.${reason}`,
    reason === 'used' ? 409 : 422,
    { code: coupon.code }
  )
}
