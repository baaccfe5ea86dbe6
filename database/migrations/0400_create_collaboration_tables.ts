import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Collaboration (协同): projects (campaign plans), tasks with their
 * statuses, checklists, labels, collaborators, watchers and comments, the
 * in-app notification list, the activity feed and saved task filters.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('task_statuses', (table) => {
      table.increments('id')
      table.integer('company_id').unsigned().notNullable().references('companies.id')
      /** todo, doing, review, done — or a company's own */
      table.string('key', 30).notNullable()
      table.string('name', 40).notNullable()
      table.integer('position').notNullable().defaultTo(0)
      /** Exactly the statuses that count as finished. */
      table.boolean('is_done').notNullable().defaultTo(false)
      table.unique(['company_id', 'key'])
    })

    this.schema.createTable('projects', (table) => {
      table.increments('id')
      table.integer('company_id').unsigned().notNullable().references('companies.id')
      table.string('name', 120).notNullable()
      table.text('description').nullable()
      table.integer('owner_id').unsigned().notNullable().references('users.id')
      table.integer('shop_id').unsigned().nullable().references('shops.id')
      table.date('starts_on').nullable()
      table.date('ends_on').nullable()
      /** planning, active, done, archived */
      table.string('status', 20).notNullable().defaultTo('active')
      table.boolean('is_private').notNullable().defaultTo(false)
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()
      table.index(['company_id', 'status'])
    })

    this.schema.createTable('project_members', (table) => {
      table.integer('project_id').unsigned().notNullable().references('projects.id')
      table.integer('user_id').unsigned().notNullable().references('users.id')
      table.primary(['project_id', 'user_id'])
      table.index(['user_id'])
    })

    this.schema.createTable('task_labels', (table) => {
      table.increments('id')
      table.integer('company_id').unsigned().notNullable().references('companies.id')
      table.string('name', 40).notNullable()
      table.unique(['company_id', 'name'])
    })

    this.schema.createTable('tasks', (table) => {
      table.increments('id')
      table.integer('company_id').unsigned().notNullable().references('companies.id')
      table.integer('project_id').unsigned().notNullable().references('projects.id')
      table.string('title', 200).notNullable()
      table.text('description').nullable()
      table.integer('status_id').unsigned().notNullable().references('task_statuses.id')
      /** 0 low, 1 normal, 2 high, 3 urgent */
      table.smallint('priority').notNullable().defaultTo(1)
      table.integer('assignee_id').unsigned().nullable().references('users.id')
      /** Date-only values are stored as the end of that day in the company zone. */
      table.timestamp('start_at').nullable()
      table.boolean('start_has_time').notNullable().defaultTo(false)
      table.timestamp('due_at').nullable()
      table.boolean('due_has_time').notNullable().defaultTo(false)
      table.timestamp('completed_at').nullable()
      table.integer('position').notNullable().defaultTo(0)
      /** Optimistic lock: a save carries the version it was read at. */
      table.integer('version').notNullable().defaultTo(1)
      table.integer('created_by_id').unsigned().nullable().references('users.id')
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()
      table.index(['project_id', 'status_id'])
      table.index(['assignee_id', 'due_at'])
      table.index(['company_id', 'due_at'])
    })

    this.schema.createTable('task_collaborators', (table) => {
      table.integer('task_id').unsigned().notNullable().references('tasks.id')
      table.integer('user_id').unsigned().notNullable().references('users.id')
      table.primary(['task_id', 'user_id'])
    })

    this.schema.createTable('task_watchers', (table) => {
      table.integer('task_id').unsigned().notNullable().references('tasks.id')
      table.integer('user_id').unsigned().notNullable().references('users.id')
      table.primary(['task_id', 'user_id'])
    })

    this.schema.createTable('task_label_assignments', (table) => {
      table.integer('task_id').unsigned().notNullable().references('tasks.id')
      table.integer('label_id').unsigned().notNullable().references('task_labels.id')
      table.primary(['task_id', 'label_id'])
      table.index(['label_id'])
    })

    this.schema.createTable('task_checklist_items', (table) => {
      table.increments('id')
      table.integer('task_id').unsigned().notNullable().references('tasks.id')
      table.string('title', 200).notNullable()
      table.boolean('is_done').notNullable().defaultTo(false)
      table.integer('position').notNullable().defaultTo(0)
      table.timestamp('done_at').nullable()
      table.integer('done_by_id').unsigned().nullable().references('users.id')
      table.index(['task_id'])
    })

    this.schema.createTable('task_comments', (table) => {
      table.increments('id')
      table.integer('task_id').unsigned().notNullable().references('tasks.id')
      table.integer('author_id').unsigned().notNullable().references('users.id')
      table.text('body').notNullable()
      table.timestamp('created_at').notNullable()
      table.index(['task_id', 'created_at'])
    })

    /** 通知: the in-app notification list of each staff member. */
    this.schema.createTable('staff_notifications', (table) => {
      table.increments('id')
      table.integer('company_id').unsigned().notNullable().references('companies.id')
      table.integer('user_id').unsigned().notNullable().references('users.id')
      /** task.assigned, task.mentioned, task.comment … */
      table.string('kind', 40).notNullable()
      table.string('title', 300).notNullable()
      table.text('body').nullable()
      table.integer('task_id').unsigned().nullable().references('tasks.id')
      table.timestamp('read_at').nullable()
      table.timestamp('created_at').notNullable()
      table.index(['user_id', 'read_at'])
    })

    /** 动态: who did what to which task or project, for the team to see. */
    this.schema.createTable('collaboration_activities', (table) => {
      table.increments('id')
      table.integer('company_id').unsigned().notNullable().references('companies.id')
      table.integer('project_id').unsigned().nullable().references('projects.id')
      table.integer('task_id').unsigned().nullable().references('tasks.id')
      table.integer('actor_id').unsigned().nullable().references('users.id')
      /** project.created, task.created, task.assigned, task.status_changed, task.commented … */
      table.string('verb', 40).notNullable()
      table.text('data').nullable()
      table.timestamp('created_at').notNullable()
      table.index(['company_id', 'created_at'])
      table.index(['project_id', 'created_at'])
    })

    this.schema.createTable('saved_task_filters', (table) => {
      table.increments('id')
      table.integer('company_id').unsigned().notNullable().references('companies.id')
      table.integer('user_id').unsigned().notNullable().references('users.id')
      table.string('name', 60).notNullable()
      /** The list's query string, as JSON. */
      table.text('query').notNullable()
      table.timestamp('created_at').notNullable()
      table.unique(['user_id', 'name'])
    })
  }

  async down() {
    for (const name of [
      'saved_task_filters',
      'collaboration_activities',
      'staff_notifications',
      'task_comments',
      'task_checklist_items',
      'task_label_assignments',
      'task_watchers',
      'task_collaborators',
      'tasks',
      'task_labels',
      'project_members',
      'projects',
      'task_statuses',
    ]) {
      this.schema.dropTable(name)
    }
  }
}
