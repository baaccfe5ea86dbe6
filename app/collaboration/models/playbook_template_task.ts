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

  /** Hours added to T + offsetDays (at dueTime, or 00:00); the task then has a time. */
  @column()
  declare offsetHours: number | null

  /** Positions (1-based) of the tasks of this version this one waits for, comma-separated. */
  @column()
  declare dependsOn: string | null

  get dependsOnList(): number[] {
    return (this.dependsOn ?? '')
      .split(',')
      .map((p) => Number(p.trim()))
      .filter((p) => Number.isInteger(p) && p > 0)
  }

  /** T-14, T, T+1, T-1 -2h */
  get offsetLabel() {
    const days =
      this.offsetDays === 0
        ? 'T'
        : this.offsetDays > 0
          ? `T+${this.offsetDays}`
          : `T${this.offsetDays}`
    if (!this.offsetHours) return days
    return `${days} ${this.offsetHours > 0 ? '+' : ''}${this.offsetHours}h`
  }
}
