import { DateTime } from 'luxon'
import { BaseModel, belongsTo, column } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import User from '#app/identity/models/user'

export const JOB_STATUSES = ['queued', 'running', 'completed', 'failed'] as const
export type JobStatus = (typeof JOB_STATUSES)[number]

const json = {
  prepare: (value: unknown) => (value == null ? null : JSON.stringify(value)),
  consume: (value: unknown) =>
    value == null ? null : typeof value === 'string' ? JSON.parse(value) : value,
}

/**
 * One execution of a job, whichever driver runs it. The database row, not
 * Redis, is the record: the UI reads progress from it and a run whose
 * process died is picked up again from it.
 */
export default class JobRun extends BaseModel {
  static table = 'job_runs'

  /** bigint: PostgreSQL hands it back as text; ids stay far below 2^53. */
  @column({ isPrimary: true, consume: (value) => Number(value) })
  declare id: number

  @column()
  declare jobName: string

  @column()
  declare idempotencyKey: string | null

  @column()
  declare status: JobStatus

  @column(json)
  declare payload: unknown

  /** 0–100 */
  @column()
  declare progress: number

  @column(json)
  declare counts: Record<string, number> | null

  @column()
  declare error: string | null

  @column()
  declare attempts: number

  @column()
  declare maxAttempts: number

  @column()
  declare requestedById: number | null

  @belongsTo(() => User, { foreignKey: 'requestedById' })
  declare requestedBy: BelongsTo<typeof User>

  @column.dateTime()
  declare availableAt: DateTime | null

  @column.dateTime()
  declare startedAt: DateTime | null

  @column.dateTime()
  declare finishedAt: DateTime | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime

  get isFinished() {
    return this.status === 'completed' || this.status === 'failed'
  }
}
