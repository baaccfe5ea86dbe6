import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'

/** 通知: one entry of a staff member's in-app notification list. */
export default class StaffNotification extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare companyId: number

  @column()
  declare userId: number

  @column()
  declare kind: string

  @column()
  declare title: string

  @column()
  declare body: string | null

  @column()
  declare taskId: number | null

  /** Set on scheduled notifications so a repeated run notifies once. */
  @column()
  declare dedupeKey: string | null

  @column.dateTime()
  declare readAt: DateTime | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime
}
