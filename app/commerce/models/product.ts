import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'

/** A product (款) with its category; SKUs are its variants. */
export default class Product extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare companyId: number

  @column()
  declare code: string

  @column()
  declare name: string

  @column()
  declare category: string | null

  @column({ consume: (v: unknown) => (v === null ? null : Number(v)) })
  declare priceFen: number | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime
}
