import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'

/** One tick box of a task's checklist. */
export default class TaskChecklistItem extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare taskId: number

  @column()
  declare title: string

  @column({ consume: (value) => Boolean(value) })
  declare isDone: boolean

  @column()
  declare position: number

  @column.dateTime()
  declare doneAt: DateTime | null

  @column()
  declare doneById: number | null
}
