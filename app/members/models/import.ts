import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'

export const IMPORT_KINDS = ['members', 'orders', 'refunds'] as const
export type ImportKind = (typeof IMPORT_KINDS)[number]

/** One import of a file (UI or CLI) and how every row of it ended. */
export default class Import extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare companyId: number

  @column()
  declare kind: ImportKind

  @column()
  declare fileName: string

  @column({ serializeAs: null })
  declare filePath: string

  @column()
  declare status: 'queued' | 'running' | 'succeeded' | 'failed'

  @column()
  declare encoding: string | null

  @column()
  declare preset: string | null

  @column()
  declare rows: number

  @column()
  declare inserted: number

  @column()
  declare updated: number

  @column()
  declare duplicates: number

  @column()
  declare rejected: number

  @column({ serializeAs: null })
  declare rejectsPath: string | null

  @column()
  declare error: string | null

  /** Rows accounted for by the committed batches of a run that stopped part-way (null: none). */
  @column({ serializeAs: null })
  declare checkpointRows: number | null

  /** Length of the rejects file at that checkpoint. */
  @column({ serializeAs: null, consume: (value) => (value == null ? null : Number(value)) })
  declare checkpointRejectsBytes: number | null

  @column()
  declare jobRunId: number | null

  @column()
  declare requestedById: number | null

  @column.dateTime()
  declare startedAt: DateTime | null

  @column.dateTime()
  declare finishedAt: DateTime | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime
}
