import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Batch sends and crash recovery for the message dispatcher: the claim
 * that took a message into one provider call (`batch_token`, `claimed_at`
 * — a row still `sending` long after its claim belonged to a worker that
 * died), and when a message waiting for a retry may be sent again.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('messages', (table) => {
      table.string('batch_token', 40).nullable()
      table.timestamp('claimed_at').nullable()
      table.timestamp('next_attempt_at').nullable()
      table.index(
        ['provider', 'status', 'template_code'],
        'messages_provider_status_template_index'
      )
      table.index(['batch_token'], 'messages_batch_token_index')
    })
  }

  async down() {
    this.schema.alterTable('messages', (table) => {
      table.dropIndex(['batch_token'], 'messages_batch_token_index')
      table.dropIndex(
        ['provider', 'status', 'template_code'],
        'messages_provider_status_template_index'
      )
      table.dropColumn('next_attempt_at')
      table.dropColumn('claimed_at')
      table.dropColumn('batch_token')
    })
  }
}
