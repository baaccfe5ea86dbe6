import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'

/** 审计日志: one row per thing someone did. Append-only. */
export default class AuditEvent extends BaseModel {
  static table = 'audit_events'

  @column({ isPrimary: true })
  declare id: number

  @column()
  declare actorId: number | null

  @column()
  declare actorName: string | null

  @column()
  declare ip: string | null

  @column()
  declare requestId: string | null

  @column()
  declare entityType: string

  @column()
  declare entityId: string | null

  @column()
  declare action: string

  @column({
    prepare: (value) => (value == null ? null : JSON.stringify(value)),
    consume: (value) =>
      value == null ? null : typeof value === 'string' ? JSON.parse(value) : value,
  })
  declare changes: Record<string, { before: unknown; after: unknown }> | null

  @column({
    prepare: (value) => (value == null ? null : JSON.stringify(value)),
    consume: (value) =>
      value == null ? null : typeof value === 'string' ? JSON.parse(value) : value,
  })
  declare context: Record<string, unknown> | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime
}
