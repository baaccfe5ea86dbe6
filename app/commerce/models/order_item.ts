import { BaseModel, column } from '@adonisjs/lucid/orm'

const fen = { consume: (v: unknown) => (v === null ? 0 : Number(v)) }

/** One line of an order. */
export default class OrderItem extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare orderId: number

  @column()
  declare lineNo: number

  @column()
  declare skuId: number | null

  @column()
  declare skuCode: string | null

  @column()
  declare title: string

  @column()
  declare quantity: number

  @column(fen)
  declare priceFen: number

  /** This line's share of what the buyer paid. */
  @column(fen)
  declare paidFen: number
}
