import { BaseModel, column } from '@adonisjs/lucid/orm'

/** A column of the board (待办, 进行中 …), configurable per company. */
export default class TaskStatus extends BaseModel {
  static table = 'task_statuses'

  @column({ isPrimary: true })
  declare id: number

  @column()
  declare companyId: number

  @column()
  declare key: string

  @column()
  declare name: string

  @column()
  declare position: number

  @column({ consume: (value) => Boolean(value) })
  declare isDone: boolean
}
