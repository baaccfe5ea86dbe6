import { DateTime } from 'luxon'
import { BaseModel, column, hasMany } from '@adonisjs/lucid/orm'
import type { HasMany } from '@adonisjs/lucid/types/relations'
import RefundItem from '#app/commerce/models/refund_item'

export const REFUND_STATUSES = [
  'requested',
  'approved',
  'rejected',
  'completed',
  'cancelled',
] as const
export type RefundStatus = (typeof REFUND_STATUSES)[number]

/** 退款: money going back against an order. */
export default class Refund extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare companyId: number

  @column()
  declare shopId: number

  @column()
  declare platformRefundNo: string

  @column()
  declare orderId: number

  @column()
  declare status: RefundStatus

  @column({ consume: (v: unknown) => Number(v) })
  declare amountFen: number

  @column.dateTime()
  declare requestedAt: DateTime

  @column.dateTime()
  declare completedAt: DateTime | null

  @column()
  declare reason: string | null

  @column({ serializeAs: null })
  declare fingerprint: string

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime

  @hasMany(() => RefundItem)
  declare items: HasMany<typeof RefundItem>
}
