import { DateTime } from 'luxon'
import { BaseModel, belongsTo, column, hasMany, manyToMany } from '@adonisjs/lucid/orm'
import type { BelongsTo, HasMany, ManyToMany } from '@adonisjs/lucid/types/relations'
import User from '#app/identity/models/user'
import Project from '#app/collaboration/models/project'
import TaskStatus from '#app/collaboration/models/task_status'
import TaskChecklistItem from '#app/collaboration/models/task_checklist_item'
import TaskComment from '#app/collaboration/models/task_comment'
import TaskLabel from '#app/collaboration/models/task_label'

export const PRIORITIES = [0, 1, 2, 3] as const

/** 任务: one piece of work in a project. */
export default class Task extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare companyId: number

  @column()
  declare projectId: number

  @column()
  declare title: string

  @column()
  declare description: string | null

  @column()
  declare statusId: number

  @column()
  declare priority: number

  @column()
  declare assigneeId: number | null

  @column.dateTime()
  declare startAt: DateTime | null

  @column({ consume: (value) => Boolean(value) })
  declare startHasTime: boolean

  @column.dateTime()
  declare dueAt: DateTime | null

  @column({ consume: (value) => Boolean(value) })
  declare dueHasTime: boolean

  @column.dateTime()
  declare completedAt: DateTime | null

  @column()
  declare position: number

  @column()
  declare version: number

  @column()
  declare createdById: number | null

  /** The recurring rule and the day this task is the occurrence of. */
  @column()
  declare recurringTaskId: number | null

  @column.date()
  declare occurrenceDate: DateTime | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime

  @belongsTo(() => Project)
  declare project: BelongsTo<typeof Project>

  @belongsTo(() => TaskStatus, { foreignKey: 'statusId' })
  declare status: BelongsTo<typeof TaskStatus>

  @belongsTo(() => User, { foreignKey: 'assigneeId' })
  declare assignee: BelongsTo<typeof User>

  @hasMany(() => TaskChecklistItem, { onQuery: (q) => q.orderBy('position').orderBy('id') })
  declare checklist: HasMany<typeof TaskChecklistItem>

  @hasMany(() => TaskComment, { onQuery: (q) => q.orderBy('createdAt').orderBy('id') })
  declare comments: HasMany<typeof TaskComment>

  @manyToMany(() => TaskLabel, {
    pivotTable: 'task_label_assignments',
    pivotForeignKey: 'task_id',
    pivotRelatedForeignKey: 'label_id',
  })
  declare labels: ManyToMany<typeof TaskLabel>

  @manyToMany(() => User, {
    pivotTable: 'task_collaborators',
    pivotForeignKey: 'task_id',
    pivotRelatedForeignKey: 'user_id',
  })
  declare collaborators: ManyToMany<typeof User>

  /** Not done and past its due time. */
  isOverdue(doneStatusIds: Set<number>, now: DateTime = DateTime.utc()) {
    return !!this.dueAt && !doneStatusIds.has(this.statusId) && this.dueAt < now
  }
}
