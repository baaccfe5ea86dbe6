import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'

/** One step in an order's or refund's status history. */
export default class StatusChange extends BaseModel {
  static table = 'commerce_status_changes'

  @column({ isPrimary: true })
  declare id: number

  @column()
  declare subjectType: 'order' | 'refund'

  @column()
  declare subjectId: number

  @column()
  declare fromStatus: string | null

  @column()
  declare toStatus: string

  @column.dateTime()
  declare changedAt: DateTime

  @column()
  declare source: string

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime
}
