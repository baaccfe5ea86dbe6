import { BaseModel, column } from '@adonisjs/lucid/orm'

/** One refunded line. */
export default class RefundItem extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare refundId: number

  @column()
  declare lineNo: number

  @column()
  declare orderItemId: number | null

  @column()
  declare skuCode: string | null

  @column()
  declare quantity: number

  @column({ consume: (v: unknown) => Number(v) })
  declare amountFen: number
}
