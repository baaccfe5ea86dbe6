import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * One row per job run, whichever driver executes it (BullMQ or in-process):
 * the UI reads progress from here, and a run survives Redis or a worker
 * dying. `idempotency_key` makes the same job enqueued twice run once.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('job_runs', (table) => {
      table.bigIncrements('id')
      table.string('job_name', 80).notNullable()
      table.string('idempotency_key', 190).nullable().unique()
      /** queued, running, completed, failed */
      table.string('status', 20).notNullable()
      table.text('payload').nullable()
      table.integer('progress').notNullable().defaultTo(0)
      /** JSON counts the job reports: { rows: 10, inserted: 8, … } */
      table.text('counts').nullable()
      table.text('error').nullable()
      table.integer('attempts').notNullable().defaultTo(0)
      table.integer('max_attempts').notNullable().defaultTo(3)
      table
        .integer('requested_by_id')
        .unsigned()
        .nullable()
        .references('users.id')
        .onDelete('SET NULL')
      table.timestamp('available_at').nullable()
      table.timestamp('started_at').nullable()
      table.timestamp('finished_at').nullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()
      table.index(['status', 'available_at'])
      table.index(['job_name', 'created_at'])
    })
  }

  async down() {
    this.schema.dropTable('job_runs')
  }
}
