import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Recurring tasks (重复任务): a rule per project (daily, weekly on a
 * weekday, monthly on a day) from which a scheduled job creates the task of
 * each occurrence. A task remembers its rule and date, unique together, so
 * an occurrence is never created twice.
 *
 * The foreign key on tasks is added on PostgreSQL only: on SQLite, a column
 * added with a reference makes knex rebuild the table (DROP TABLE), which
 * fails on an install whose comments and attachments already point at tasks.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('recurring_tasks', (table) => {
      table.increments('id')
      table.integer('company_id').unsigned().notNullable().references('companies.id')
      table.integer('project_id').unsigned().notNullable().references('projects.id')
      table.string('title', 200).notNullable()
      table.integer('assignee_id').unsigned().nullable().references('users.id')
      /** daily, weekly, monthly */
      table.string('frequency', 10).notNullable()
      /** weekly: 1 (Monday) … 7 (Sunday) */
      table.smallint('weekday').nullable()
      /** monthly: 1 … 28 */
      table.smallint('month_day').nullable()
      /** HH:mm in the company zone; none means due all day */
      table.string('due_time', 5).nullable()
      table.boolean('active').notNullable().defaultTo(true)
      table.integer('created_by_id').unsigned().nullable().references('users.id')
      table.timestamp('created_at').notNullable()
      table.index(['company_id', 'active'])
    })
    const withForeignKeys = this.db.dialect.name === 'postgres'
    this.schema.alterTable('tasks', (table) => {
      table.integer('recurring_task_id').unsigned().nullable()
      table.date('occurrence_date').nullable()
      table.unique(['recurring_task_id', 'occurrence_date'])
      if (withForeignKeys) table.foreign('recurring_task_id').references('recurring_tasks.id')
    })
  }

  async down() {
    const withForeignKeys = this.db.dialect.name === 'postgres'
    this.schema.alterTable('tasks', (table) => {
      if (withForeignKeys) table.dropForeign(['recurring_task_id'])
      table.dropUnique(['recurring_task_id', 'occurrence_date'])
      table.dropColumn('occurrence_date')
      table.dropColumn('recurring_task_id')
    })
    this.schema.dropTable('recurring_tasks')
  }
}
