import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'

/** A named set of task-list filters a staff member saved. */
export default class SavedTaskFilter extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare companyId: number

  @column()
  declare userId: number

  @column()
  declare name: string

  @column({
    prepare: (value: Record<string, unknown>) => JSON.stringify(value),
    consume: (value: string) => (value ? JSON.parse(value) : {}),
  })
  declare query: Record<string, string>

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime
}
