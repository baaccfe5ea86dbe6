import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'

export const COUPON_KINDS = ['threshold', 'no_threshold', 'discount', 'free_shipping'] as const
export type CouponKind = (typeof COUPON_KINDS)[number]

/** 券模板: what a coupon gives and when it may be used. Amounts in fen. */
export default class CouponTemplate extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare companyId: number

  @column()
  declare name: string

  @column()
  declare kind: CouponKind

  /** 满 X 可用 (0: no threshold). */
  @column({ consume: Number })
  declare minSpendFen: number

  /** 减 Y (threshold and no-threshold coupons). */
  @column({ consume: (value) => (value == null ? null : Number(value)) })
  declare amountFen: number | null

  /** Discount coupons: the share paid, in percent (85 = 8.5折). */
  @column()
  declare payPercent: number | null

  @column({ consume: (value) => (value == null ? null : Number(value)) })
  declare maxDiscountFen: number | null

  /** Only in this shop; null: every shop. */
  @column()
  declare shopId: number | null

  @column.dateTime()
  declare validFrom: DateTime | null

  @column.dateTime()
  declare validUntil: DateTime | null

  @column()
  declare validDays: number | null

  @column()
  declare totalLimit: number | null

  @column.dateTime()
  declare archivedAt: DateTime | null

  @column()
  declare createdById: number | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime

  get isArchived() {
    return this.archivedAt !== null
  }
}
