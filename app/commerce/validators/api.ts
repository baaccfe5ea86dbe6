import vine from '@vinejs/vine'
import { ORDER_STATUSES } from '#app/commerce/models/order'
import { REFUND_STATUSES } from '#app/commerce/models/refund'
import { IDENTITY_TYPES } from '#app/members/models/member_identity'
import { isoTime } from '#app/members/validators/api'

const fen = () => vine.number().withoutDecimals().min(0).max(Number.MAX_SAFE_INTEGER)
const text = (max: number) => vine.string().trim().maxLength(max)

export const shopOrderParamsValidator = vine.create({
  shopId: vine.number().withoutDecimals().positive(),
  number: text(64).minLength(1),
})

/** PUT /api/v1/shops/:shopId/orders/:number — the whole order as the shop reports it now. */
export const apiOrderValidator = vine.create({
  status: vine.enum(ORDER_STATUSES),
  orderedAt: isoTime(),
  paidAt: isoTime().nullable().optional(),
  shippedAt: isoTime().nullable().optional(),
  completedAt: isoTime().nullable().optional(),
  closedAt: isoTime().nullable().optional(),
  goodsFen: fen().optional(),
  discountFen: fen().optional(),
  shippingFen: fen().optional(),
  paidFen: fen(),
  couponCodes: vine.array(text(64).minLength(1)).maxLength(50).optional(),
  memberId: vine.number().withoutDecimals().positive().optional(),
  /** Who bought: matched or created through OneID when memberId is not given. */
  buyer: vine
    .object({
      phone: text(30).optional(),
      identities: vine
        .array(vine.object({ type: vine.enum(IDENTITY_TYPES), value: text(200).minLength(1) }))
        .maxLength(20)
        .optional(),
      name: text(80).optional(),
      province: text(40).optional(),
      city: text(40).optional(),
    })
    .optional(),
  items: vine
    .array(
      vine.object({
        skuCode: text(64).optional(),
        title: text(200).minLength(1),
        productCode: text(64).optional(),
        category: text(80).optional(),
        quantity: vine.number().withoutDecimals().min(1).max(1_000_000),
        priceFen: fen(),
        paidFen: fen().optional(),
      })
    )
    .maxLength(500),
})

/** PUT /api/v1/shops/:shopId/refunds/:number */
export const apiRefundValidator = vine.create({
  orderNo: text(64).minLength(1),
  status: vine.enum(REFUND_STATUSES),
  amountFen: fen(),
  requestedAt: isoTime(),
  completedAt: isoTime().nullable().optional(),
  reason: text(500).optional(),
  items: vine
    .array(
      vine.object({
        skuCode: text(64).optional(),
        quantity: vine.number().withoutDecimals().min(1).max(1_000_000),
        amountFen: fen(),
      })
    )
    .maxLength(500)
    .optional(),
})
