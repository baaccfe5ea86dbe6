import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'

const json = {
  prepare: (value: unknown) => (value == null ? null : JSON.stringify(value)),
  consume: (value: unknown) =>
    value == null ? null : typeof value === 'string' ? JSON.parse(value) : value,
}

/** An admin's choices for one plugin: on or off, and its configuration (secrets encrypted). */
export default class PluginSetting extends BaseModel {
  static table = 'plugin_settings'

  @column({ isPrimary: true })
  declare id: number

  @column()
  declare pluginId: string

  @column({ consume: (value) => Boolean(value) })
  declare enabled: boolean

  @column(json)
  declare config: Record<string, unknown> | null

  @column()
  declare updatedById: number | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime
}
