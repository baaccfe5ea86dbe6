import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Scheduled notifications (due soon, a blocker is late, the daily digest)
 * carry a key such as `due_soon:42:2026-12-01`, so a job that runs twice
 * notifies once.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('staff_notifications', (table) => {
      table.string('dedupe_key', 120).nullable()
      table.unique(['user_id', 'dedupe_key'])
    })
  }

  async down() {
    this.schema.alterTable('staff_notifications', (table) => {
      table.dropUnique(['user_id', 'dedupe_key'])
      table.dropColumn('dedupe_key')
    })
  }
}
