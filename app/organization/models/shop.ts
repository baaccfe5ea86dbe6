import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'

export const PLATFORMS = [
  'tmall',
  'taobao',
  'jd',
  'douyin',
  'pdd',
  'youzan',
  'wechat',
  'offline',
] as const
export type Platform = (typeof PLATFORMS)[number]

/** A shop: an online store on a platform, or a physical store. */
export default class Shop extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare companyId: number

  @column()
  declare name: string

  @column()
  declare platform: Platform

  @column()
  declare timezone: string

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime
}
