import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'

export const BENEFIT_KINDS = [
  'free_shipping',
  'birthday_gift',
  'priority_service',
  'member_price',
  'member_day',
  'custom',
] as const
export type BenefitKind = (typeof BENEFIT_KINDS)[number]

export const BENEFIT_PERIODS = ['month', 'year', 'once'] as const
export type BenefitPeriod = (typeof BENEFIT_PERIODS)[number]

/** 权益: something a member may use, a number of times per period. */
export default class Benefit extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare companyId: number

  @column()
  declare name: string

  @column()
  declare kind: BenefitKind

  @column()
  declare description: string | null

  /** Uses per period; null: unlimited. */
  @column()
  declare quota: number | null

  @column()
  declare period: BenefitPeriod

  @column.dateTime()
  declare archivedAt: DateTime | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime
}
