import { BaseSchema } from '@adonisjs/lucid/schema'

/** 附件: files attached to tasks, stored on the drive disk (local by default). */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('task_attachments', (table) => {
      table.increments('id')
      table.integer('task_id').unsigned().notNullable().references('tasks.id')
      table.integer('uploader_id').unsigned().nullable().references('users.id')
      table.string('file_name', 200).notNullable()
      /** Key on the drive disk. */
      table.string('disk_key', 300).notNullable()
      table.string('mime', 120).nullable()
      table.integer('size_bytes').notNullable()
      table.timestamp('created_at').notNullable()
      table.index(['task_id'])
    })
  }

  async down() {
    this.schema.dropTable('task_attachments')
  }
}
