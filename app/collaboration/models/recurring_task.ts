import { DateTime } from 'luxon'
import { BaseModel, belongsTo, column } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import User from '#app/identity/models/user'

export const FREQUENCIES = ['daily', 'weekly', 'monthly'] as const
export type Frequency = (typeof FREQUENCIES)[number]

/** 重复任务: e.g. the weekly data review every Monday 10:00. */
export default class RecurringTask extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare companyId: number

  @column()
  declare projectId: number

  @column()
  declare title: string

  @column()
  declare assigneeId: number | null

  @column()
  declare frequency: Frequency

  @column()
  declare weekday: number | null

  @column()
  declare monthDay: number | null

  @column()
  declare dueTime: string | null

  @column({ consume: (value) => Boolean(value) })
  declare active: boolean

  @column()
  declare createdById: number | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @belongsTo(() => User, { foreignKey: 'assigneeId' })
  declare assignee: BelongsTo<typeof User>

  /** Whether the rule has an occurrence on this (company-zone) day. */
  occursOn(day: DateTime) {
    if (this.frequency === 'daily') return true
    if (this.frequency === 'weekly') return day.weekday === this.weekday
    return day.day === this.monthDay
  }
}
