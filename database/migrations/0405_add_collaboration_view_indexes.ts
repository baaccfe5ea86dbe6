import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Indexes for the two busiest reads: My Day finds the tasks a person
 * collaborates on by user (the primary key starts with the task), and the
 * board reads a project's cards in position order.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('task_collaborators', (table) => {
      table.index(['user_id', 'task_id'], 'task_collaborators_user_id_task_id_index')
    })
    this.schema.alterTable('tasks', (table) => {
      table.index(['project_id', 'position', 'id'], 'tasks_project_id_position_id_index')
    })
  }

  async down() {
    this.schema.alterTable('tasks', (table) => {
      table.dropIndex(['project_id', 'position', 'id'], 'tasks_project_id_position_id_index')
    })
    this.schema.alterTable('task_collaborators', (table) => {
      table.dropIndex(['user_id', 'task_id'], 'task_collaborators_user_id_task_id_index')
    })
  }
}
