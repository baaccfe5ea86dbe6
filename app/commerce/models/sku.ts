import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'

/** A sellable variant (colour + size) of a product. */
export default class Sku extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare companyId: number

  @column()
  declare productId: number | null

  @column()
  declare code: string

  @column()
  declare name: string

  @column({ consume: (v: unknown) => (v === null ? null : Number(v)) })
  declare priceFen: number | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime
}
