import vine from '@vinejs/vine'
import { COUPON_KINDS } from '#app/coupons/models/coupon_template'

/** Yuan as typed in a form (`50`, `12.5`); converted to fen by the action. */
const yuan = () => vine.number().min(0).max(1_000_000).decimal([0, 2])

/** 新建券模板. Which amounts are required depends on the kind (checked by the action). */
export const couponTemplateValidator = vine.create({
  name: vine.string().trim().minLength(1).maxLength(80),
  kind: vine.enum(COUPON_KINDS),
  minSpend: yuan().optional(),
  amount: yuan().optional(),
  payPercent: vine.number().withoutDecimals().min(1).max(99).optional(),
  maxDiscount: yuan().optional(),
  shopId: vine.number().withoutDecimals().positive().optional(),
  validity: vine.enum(['dates', 'days']),
  validFrom: vine.date({ formats: ['YYYY-MM-DD'] }).optional(),
  validUntil: vine.date({ formats: ['YYYY-MM-DD'] }).optional(),
  validDays: vine.number().withoutDecimals().min(1).max(3650).optional(),
  totalLimit: vine.number().withoutDecimals().min(1).optional(),
})

/** 批量发券: a template, the member filter travels as the list's query string. */
export const couponBatchValidator = vine.create({
  templateId: vine.number().withoutDecimals().positive(),
  requestKey: vine.string().trim().minLength(8).maxLength(64),
})

/** POST /api/v1/coupons/validate */
export const apiCouponCheckValidator = vine.create({
  code: vine.string().trim().minLength(4).maxLength(40),
  shopId: vine.number().withoutDecimals().positive().optional(),
  goodsFen: vine.number().withoutDecimals().min(0),
  shippingFen: vine.number().withoutDecimals().min(0).optional(),
  memberId: vine.number().withoutDecimals().positive().optional(),
})

/** POST /api/v1/coupons/use */
export const apiCouponUseValidator = vine.create({
  code: vine.string().trim().minLength(4).maxLength(40),
  shopId: vine.number().withoutDecimals().positive(),
  orderNo: vine.string().trim().minLength(1).maxLength(64),
  goodsFen: vine.number().withoutDecimals().min(0),
  shippingFen: vine.number().withoutDecimals().min(0).optional(),
  memberId: vine.number().withoutDecimals().positive().optional(),
})
