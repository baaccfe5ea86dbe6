import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Where an import stopped part-way (a restart, a crash) would continue: the
 * rows its committed batches accounted for and the length of its rejects
 * file at that point. Written in each batch's transaction, so it never runs
 * ahead of or behind what was committed; cleared when the import finishes.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('imports', (table) => {
      table.integer('checkpoint_rows').nullable()
      table.bigInteger('checkpoint_rejects_bytes').nullable()
    })
  }

  async down() {
    this.schema.alterTable('imports', (table) => {
      table.dropColumn('checkpoint_rows')
      table.dropColumn('checkpoint_rejects_bytes')
    })
  }
}
