import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * The dispatcher claims a batch as the oldest pending messages of a provider
 * and template: with `id` last in the index it walks them in id order and
 * stops at the batch size, where before it sorted every pending message of
 * the template for each claim. The recovery sweep (every minute) looks for
 * messages left `sending`: by status and id, it no longer reads every
 * message ever sent.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('messages', (table) => {
      table.dropIndex(
        ['provider', 'status', 'template_code'],
        'messages_provider_status_template_index'
      )
      table.index(['provider', 'status', 'template_code', 'id'], 'messages_claim_index')
      table.index(['status', 'id'], 'messages_status_index')
    })
  }

  async down() {
    this.schema.alterTable('messages', (table) => {
      table.dropIndex(['status', 'id'], 'messages_status_index')
      table.dropIndex(['provider', 'status', 'template_code', 'id'], 'messages_claim_index')
      table.index(
        ['provider', 'status', 'template_code'],
        'messages_provider_status_template_index'
      )
    })
  }
}
