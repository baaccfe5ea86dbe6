import { type DateTime } from 'luxon'
import type Coupon from '#app/coupons/models/coupon'
import type CouponTemplate from '#app/coupons/models/coupon_template'

export interface CouponBasket {
  /** Goods amount after other discounts, fen. */
  goodsFen: number
  shippingFen: number
  shopId: number | null
  at: DateTime
}

/** Why a coupon cannot be used now; the keys are translated under coupons.errors. */
export type CouponRefusal =
  'used' | 'expired' | 'not_started' | 'wrong_shop' | 'below_threshold' | 'archived' | 'void'

/**
 * What a coupon takes off a basket, in fen, never more than the goods (or
 * the shipping, for free-shipping coupons). Discount coupons round the
 * reduction down to the fen, so the shop never gives away a fraction.
 */
export function couponDiscount(template: CouponTemplate, basket: CouponBasket): number {
  switch (template.kind) {
    case 'threshold':
    case 'no_threshold':
      return Math.min(template.amountFen ?? 0, basket.goodsFen)
    case 'discount': {
      const off = Math.floor((basket.goodsFen * (100 - (template.payPercent ?? 100))) / 100)
      return template.maxDiscountFen === null ? off : Math.min(off, template.maxDiscountFen)
    }
    case 'free_shipping':
      return basket.shippingFen
  }
}

/** Null when the coupon may be used on this basket, else the reason it may not. */
export function couponRefusal(
  coupon: Coupon,
  template: CouponTemplate,
  basket: CouponBasket
): CouponRefusal | null {
  if (coupon.status === 'used') return 'used'
  if (coupon.status === 'void') return 'void'
  if (coupon.status === 'expired' || basket.at > coupon.validUntil) return 'expired'
  if (basket.at < coupon.validFrom) return 'not_started'
  if (template.shopId !== null && basket.shopId !== template.shopId) return 'wrong_shop'
  if (basket.goodsFen < template.minSpendFen) return 'below_threshold'
  return null
}

/** The validity window of a coupon issued now. */
export function validityOf(template: CouponTemplate, issuedAt: DateTime) {
  if (template.validDays !== null) {
    return { from: issuedAt, until: issuedAt.plus({ days: template.validDays }) }
  }
  return { from: template.validFrom ?? issuedAt, until: template.validUntil! }
}

const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789'

/** 12 characters without look-alikes (no 0/O, 1/I/L): 31^12 ≈ 8 × 10^17 codes. */
export function newCouponCode(random: (size: number) => Uint8Array): string {
  let code = ''
  // Rejection sampling keeps every character equally likely.
  while (code.length < 12) {
    for (const byte of random(16)) {
      if (byte < 248 && code.length < 12) code += CODE_ALPHABET[byte % CODE_ALPHABET.length]
    }
  }
  return code
}

/** What people type: lower case, spaces and dashes (ABCD-EFGH-JKMN). */
export function normaliseCouponCode(input: string): string {
  return input.replace(/[\s-]/g, '').toUpperCase()
}

/** ABCD-EFGH-JKMN, for reading aloud and printing. */
export function formatCouponCode(code: string): string {
  return code.replace(/(.{4})(?=.)/g, '$1-')
}
