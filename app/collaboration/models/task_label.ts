import { BaseModel, column } from '@adonisjs/lucid/orm'

/** 标签 of tasks (主图, 直播, 客服 …), shared by the company. */
export default class TaskLabel extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare companyId: number

  @column()
  declare name: string
}
