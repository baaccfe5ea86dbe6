import { DateTime } from 'luxon'
import { BaseModel, belongsTo, column } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import User from '#app/identity/models/user'

/** 附件: a file attached to a task. */
export default class TaskAttachment extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare taskId: number

  @column()
  declare uploaderId: number | null

  @column()
  declare fileName: string

  @column()
  declare diskKey: string

  @column()
  declare mime: string | null

  @column()
  declare sizeBytes: number

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @belongsTo(() => User, { foreignKey: 'uploaderId' })
  declare uploader: BelongsTo<typeof User>

  /** 1.2 MB, 340 KB */
  get displaySize() {
    if (this.sizeBytes >= 1024 * 1024) return `${(this.sizeBytes / 1024 / 1024).toFixed(1)} MB`
    return `${Math.max(1, Math.round(this.sizeBytes / 1024))} KB`
  }
}
