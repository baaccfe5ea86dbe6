import { DateTime } from 'luxon'
import { BaseModel, belongsTo, column, manyToMany } from '@adonisjs/lucid/orm'
import type { BelongsTo, ManyToMany } from '@adonisjs/lucid/types/relations'
import User from '#app/identity/models/user'

export const PROJECT_STATUSES = ['planning', 'active', 'done', 'archived'] as const
export type ProjectStatus = (typeof PROJECT_STATUSES)[number]

/** 项目: a campaign plan ("2026 双11", "12月会员日") and its tasks. */
export default class Project extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare companyId: number

  @column()
  declare name: string

  @column()
  declare description: string | null

  @column()
  declare ownerId: number

  @column()
  declare shopId: number | null

  @column.date()
  declare startsOn: DateTime | null

  @column.date()
  declare endsOn: DateTime | null

  @column()
  declare status: ProjectStatus

  @column({ consume: (value) => Boolean(value) })
  declare isPrivate: boolean

  /** The template (and its version) this project was created from. */
  @column()
  declare templateId: number | null

  @column()
  declare templateVersion: number | null

  /** The event day T of a project made from a template. */
  @column.date()
  declare anchorDate: DateTime | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime

  @belongsTo(() => User, { foreignKey: 'ownerId' })
  declare owner: BelongsTo<typeof User>

  @manyToMany(() => User, {
    pivotTable: 'project_members',
    pivotForeignKey: 'project_id',
    pivotRelatedForeignKey: 'user_id',
  })
  declare members: ManyToMany<typeof User>
}
