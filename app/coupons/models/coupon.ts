import { DateTime } from 'luxon'
import { BaseModel, belongsTo, column } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import CouponTemplate from '#app/coupons/models/coupon_template'

/** void: taken back (a points redemption was cancelled). */
export const COUPON_STATUSES = ['issued', 'used', 'expired', 'void'] as const
export type CouponStatus = (typeof COUPON_STATUSES)[number]

/** One coupon held by a member, with its unique code (券码). */
export default class Coupon extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare companyId: number

  @column()
  declare templateId: number

  @column()
  declare batchId: number | null

  @column()
  declare memberId: number | null

  @column()
  declare code: string

  @column()
  declare status: CouponStatus

  @column.dateTime()
  declare issuedAt: DateTime

  @column.dateTime()
  declare validFrom: DateTime

  @column.dateTime()
  declare validUntil: DateTime

  @column.dateTime()
  declare usedAt: DateTime | null

  @column()
  declare usedShopId: number | null

  @column()
  declare usedOrderNo: string | null

  @column()
  declare usedOrderId: number | null

  @column({ consume: (value) => (value == null ? null : Number(value)) })
  declare discountFen: number | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime

  @belongsTo(() => CouponTemplate, { foreignKey: 'templateId' })
  declare template: BelongsTo<typeof CouponTemplate>
}
