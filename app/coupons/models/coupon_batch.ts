import { DateTime } from 'luxon'
import { BaseModel, belongsTo, column } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import JobRun from '#app/shared/queue/models/job_run'

/** 批量发券: one issue of a template to the members a filter selected. */
export default class CouponBatch extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare companyId: number

  @column()
  declare templateId: number

  /** The member list's query string, as staff chose it. */
  @column({
    prepare: (value: Record<string, unknown>) => JSON.stringify(value),
    consume: (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value),
  })
  declare filters: Record<string, unknown>

  @column()
  declare requestKey: string | null

  @column()
  declare jobRunId: number | null

  @column()
  declare requestedById: number | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime

  @belongsTo(() => JobRun, { foreignKey: 'jobRunId' })
  declare jobRun: BelongsTo<typeof JobRun>
}
