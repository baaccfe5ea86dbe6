import { BaseModel, column } from '@adonisjs/lucid/orm'

/** One task of a template, due at T + offsetDays. */
export default class PlaybookTemplateTask extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare templateId: number

  @column()
  declare position: number

  @column()
  declare title: string

  @column()
  declare description: string | null

  @column()
  declare offsetDays: number

  @column()
  declare dueTime: string | null

  @column()
  declare role: string | null

  @column()
  declare priority: number

  @column()
  declare labels: string | null

  @column()
  declare checklist: string | null

  /** T-14, T, T+1 */
  get offsetLabel() {
    if (this.offsetDays === 0) return 'T'
    return this.offsetDays > 0 ? `T+${this.offsetDays}` : `T${this.offsetDays}`
  }
}
