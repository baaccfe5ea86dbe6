import { DateTime } from 'luxon'
import { BaseModel, column, hasMany } from '@adonisjs/lucid/orm'
import type { HasMany } from '@adonisjs/lucid/types/relations'
import PlaybookTemplateTask from '#app/collaboration/models/playbook_template_task'

/** 模板: a reusable campaign plan (聚划算, 双11 …). */
export default class PlaybookTemplate extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare companyId: number

  @column()
  declare builtinKey: string | null

  @column()
  declare name: string

  @column()
  declare category: string | null

  @column()
  declare shopSize: string | null

  @column()
  declare description: string | null

  @column()
  declare version: number

  @column()
  declare createdById: number | null

  /** The id of version 1 of this template (null on version 1 itself). */
  @column()
  declare lineageId: number | null

  /** Set when a newer version was saved; superseded versions leave the library. */
  @column.dateTime()
  declare supersededAt: DateTime | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime

  @hasMany(() => PlaybookTemplateTask, {
    foreignKey: 'templateId',
    onQuery: (q) => q.orderBy('position'),
  })
  declare tasks: HasMany<typeof PlaybookTemplateTask>

  /** The distinct role placeholders, in order of first use. */
  roles(): string[] {
    return [...new Set(this.tasks.map((t) => t.role).filter((r): r is string => !!r))]
  }
}
