import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'

/** A tag on members (标签), optionally in a group: manual, or automatic (kept by a rule). */
export default class MemberTag extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare companyId: number

  @column()
  declare groupId: number | null

  @column()
  declare name: string

  /** 自动标签: put on and taken off by its rule (member_tag_rules), never by hand. */
  @column({ consume: (value) => Boolean(value) })
  declare auto: boolean

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime
}
