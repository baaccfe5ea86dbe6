import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Playbook templates (模板): reusable campaign plans whose tasks are due
 * at offsets from an anchor day T (the event day), with role placeholders
 * (运营, 美工 …) mapped to people when a project is created from one. And
 * task dependencies ("blocked by").
 *
 * The foreign key on projects.template_id is added on PostgreSQL only: on
 * SQLite, a column added with a reference makes knex rebuild the table
 * (DROP TABLE), which fails on an install whose tasks point at its projects.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('playbook_templates', (table) => {
      table.increments('id')
      table.integer('company_id').unsigned().notNullable().references('companies.id')
      /** Set on built-ins (juhuasuan, double11 …) so they are seeded once. */
      table.string('builtin_key', 40).nullable()
      table.string('name', 120).notNullable()
      /** 服装, 美妆, 食品, 3C … */
      table.string('category', 40).nullable()
      /** small, medium, large */
      table.string('shop_size', 20).nullable()
      table.text('description').nullable()
      table.integer('version').notNullable().defaultTo(1)
      table.integer('created_by_id').unsigned().nullable().references('users.id')
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()
      table.unique(['company_id', 'builtin_key'])
    })

    this.schema.createTable('playbook_template_tasks', (table) => {
      table.increments('id')
      table.integer('template_id').unsigned().notNullable().references('playbook_templates.id')
      table.integer('position').notNullable()
      table.string('title', 200).notNullable()
      table.text('description').nullable()
      /** Due at T + offset_days (negative: before the event day). */
      table.integer('offset_days').notNullable()
      /** Optional time of day (HH:mm) in the company zone; none means all day. */
      table.string('due_time', 5).nullable()
      /** Role placeholder, e.g. 运营, 美工, 客服主管. */
      table.string('role', 40).nullable()
      table.smallint('priority').notNullable().defaultTo(1)
      /** Comma-separated label names. */
      table.string('labels', 300).nullable()
      /** Checklist items, one per line. */
      table.text('checklist').nullable()
      table.index(['template_id', 'position'])
    })

    this.schema.alterTable('projects', (table) => {
      table.integer('template_id').unsigned().nullable()
      table.integer('template_version').nullable()
      table.date('anchor_date').nullable()
      if (this.db.dialect.name === 'postgres') {
        table.foreign('template_id').references('playbook_templates.id')
      }
    })

    this.schema.createTable('task_dependencies', (table) => {
      table.integer('task_id').unsigned().notNullable().references('tasks.id')
      table.integer('blocked_by_id').unsigned().notNullable().references('tasks.id')
      table.primary(['task_id', 'blocked_by_id'])
      table.index(['blocked_by_id'])
    })
  }

  async down() {
    this.schema.dropTable('task_dependencies')
    this.schema.alterTable('projects', (table) => {
      table.dropColumn('anchor_date')
      table.dropColumn('template_version')
      table.dropColumn('template_id')
    })
    this.schema.dropTable('playbook_template_tasks')
    this.schema.dropTable('playbook_templates')
  }
}
