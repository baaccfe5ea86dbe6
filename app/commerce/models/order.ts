import { DateTime } from 'luxon'
import { BaseModel, column, hasMany } from '@adonisjs/lucid/orm'
import type { HasMany } from '@adonisjs/lucid/types/relations'
import OrderItem from '#app/commerce/models/order_item'

export const ORDER_STATUSES = ['pending', 'paid', 'shipped', 'completed', 'closed'] as const
export type OrderStatus = (typeof ORDER_STATUSES)[number]

const fen = { consume: (v: unknown) => (v === null ? 0 : Number(v)) }

/** An order from one shop, identified by the platform's order number. */
export default class Order extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare companyId: number

  @column()
  declare shopId: number

  @column()
  declare platformOrderNo: string

  @column()
  declare memberId: number | null

  @column()
  declare status: OrderStatus

  @column.dateTime()
  declare orderedAt: DateTime

  @column.dateTime()
  declare paidAt: DateTime | null

  @column.dateTime()
  declare shippedAt: DateTime | null

  @column.dateTime()
  declare completedAt: DateTime | null

  @column.dateTime()
  declare closedAt: DateTime | null

  @column(fen)
  declare goodsFen: number

  @column(fen)
  declare discountFen: number

  @column(fen)
  declare shippingFen: number

  @column(fen)
  declare paidFen: number

  @column({
    prepare: (v) => (v == null ? null : JSON.stringify(v)),
    consume: (v) => (v == null ? [] : typeof v === 'string' ? JSON.parse(v) : v),
  })
  declare couponCodes: string[]

  @column({ serializeAs: null })
  declare fingerprint: string

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime

  @hasMany(() => OrderItem)
  declare items: HasMany<typeof OrderItem>
}
