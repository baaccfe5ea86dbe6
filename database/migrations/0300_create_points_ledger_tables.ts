import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * The points ledger (积分账本). Accounts hold the running totals; postings
 * are immutable (corrections are new postings); lots (积分批次) are points
 * earned together that become available and expire together; consumptions
 * link a posting to the lots it took from (or gave back to), so cancelling
 * a redemption returns points to their original lots and expiry dates.
 *
 * Invariants (checked by `node ace points:reconcile`):
 *   balance = sum(postings.amount), pending = sum(postings.pending_amount),
 *   max(balance, 0) = sum(remaining of available lots),
 *   pending = sum(remaining of pending lots).
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('points_accounts', (table) => {
      table.increments('id')
      table.integer('company_id').unsigned().notNullable().references('companies.id')
      table.integer('member_id').unsigned().notNullable().unique().references('members.id')
      /** Available points (可用积分). Negative only when negative_allowed. */
      table.integer('balance').notNullable().defaultTo(0)
      /** Pending points (冻结积分), available after the return window. */
      table.integer('pending').notNullable().defaultTo(0)
      table.integer('lifetime_earned').notNullable().defaultTo(0)
      table.integer('lifetime_redeemed').notNullable().defaultTo(0)
      table.integer('lifetime_expired').notNullable().defaultTo(0)
      table.integer('lifetime_reversed').notNullable().defaultTo(0)
      table.boolean('negative_allowed').notNullable().defaultTo(false)
      /** Bumped by every posting; the first write of a ledger transaction. */
      table.integer('version').notNullable().defaultTo(0)
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()
      table.index(['company_id'])
      table.check('?? >= 0', ['pending'], 'points_accounts_pending_check')
      table.check('?? >= 0 OR ??', ['balance', 'negative_allowed'], 'points_accounts_balance_check')
    })

    this.schema.createTable('points_postings', (table) => {
      table.increments('id')
      table.integer('company_id').unsigned().notNullable().references('companies.id')
      table.integer('account_id').unsigned().notNullable().references('points_accounts.id')
      /** earn, redeem, cancel_redeem, expire, adjust, reverse, transfer, release, cancel_pending */
      table.string('kind', 20).notNullable()
      /** Signed change to the available balance. */
      table.integer('amount').notNullable()
      /** Signed change to the pending points. */
      table.integer('pending_amount').notNullable().defaultTo(0)
      /** Points a reversal could not take back (policy "take what is available"). */
      table.integer('shortfall').notNullable().defaultTo(0)
      /** order, refund, rule, campaign, redemption, staff_adjustment, expiry, transfer */
      table.string('source_type', 30).notNullable()
      table.string('source_id', 64).nullable()
      table.string('idempotency_key', 120).notNullable()
      /** Posting this one corrects (cancel of a redemption, reversal of an earn). */
      table.integer('related_posting_id').unsigned().nullable().references('points_postings.id')
      table.string('reason', 500).nullable()
      table.integer('actor_id').unsigned().nullable().references('users.id')
      table.timestamp('created_at').notNullable()
      table.unique(['company_id', 'source_type', 'idempotency_key'])
      table.index(['account_id', 'id'])
      table.index(['company_id', 'source_type', 'source_id'])
      table.check(
        `?? IN ('earn','redeem','cancel_redeem','expire','adjust','reverse','transfer','release','cancel_pending')`,
        ['kind'],
        'points_postings_kind_check'
      )
      table.check('?? >= 0', ['shortfall'], 'points_postings_shortfall_check')
      table.check(
        `?? <> 'staff_adjustment' OR (?? IS NOT NULL AND ?? <> '')`,
        ['source_type', 'reason', 'reason'],
        'points_postings_reason_check'
      )
    })

    this.schema.createTable('points_lots', (table) => {
      table.increments('id')
      table.integer('company_id').unsigned().notNullable().references('companies.id')
      table.integer('account_id').unsigned().notNullable().references('points_accounts.id')
      table.integer('earn_posting_id').unsigned().notNullable().references('points_postings.id')
      table.string('source_type', 30).notNullable()
      table.string('source_id', 64).nullable()
      table.integer('amount').notNullable()
      table.integer('remaining').notNullable()
      /** pending, available, expired, cancelled */
      table.string('status', 12).notNullable()
      /** End of the return window; null when available at once. */
      table.timestamp('available_at').nullable()
      /** Null: never expires. */
      table.timestamp('expires_at').nullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()
      table.index(['account_id', 'status', 'expires_at'])
      table.index(['status', 'expires_at'])
      table.index(['status', 'available_at'])
      table.index(['company_id', 'source_type', 'source_id'])
      table.check('?? > 0', ['amount'], 'points_lots_amount_check')
      table.check(
        '?? >= 0 AND ?? <= ??',
        ['remaining', 'remaining', 'amount'],
        'points_lots_remaining_check'
      )
      table.check(
        `?? IN ('pending','available','expired','cancelled')`,
        ['status'],
        'points_lots_status_check'
      )
    })

    this.schema.createTable('points_lot_consumptions', (table) => {
      table.increments('id')
      table.integer('posting_id').unsigned().notNullable().references('points_postings.id')
      table.integer('lot_id').unsigned().notNullable().references('points_lots.id')
      /** Positive: taken from the lot; negative: given back to it. */
      table.integer('amount').notNullable()
      table.timestamp('created_at').notNullable()
      table.index(['posting_id'])
      table.index(['lot_id'])
      table.check('?? <> 0', ['amount'], 'points_lot_consumptions_amount_check')
    })

    const immutable = ['points_postings', 'points_lot_consumptions']
    if (this.db.dialect.name === 'postgres') {
      this.defer(async (db) => {
        await db.rawQuery(`
          CREATE OR REPLACE FUNCTION points_ledger_append_only() RETURNS trigger AS $$
          BEGIN
            RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
          END;
          $$ LANGUAGE plpgsql;
        `)
        for (const name of immutable) {
          await db.rawQuery(`
            CREATE TRIGGER ${name}_no_change BEFORE UPDATE OR DELETE ON ${name}
            FOR EACH ROW EXECUTE FUNCTION points_ledger_append_only();
          `)
        }
      })
    } else {
      this.defer(async (db) => {
        for (const name of immutable) {
          await db.rawQuery(`
            CREATE TRIGGER ${name}_no_update BEFORE UPDATE ON ${name}
            BEGIN SELECT RAISE(ABORT, '${name} is append-only'); END;
          `)
          await db.rawQuery(`
            CREATE TRIGGER ${name}_no_delete BEFORE DELETE ON ${name}
            BEGIN SELECT RAISE(ABORT, '${name} is append-only'); END;
          `)
        }
      })
    }
  }

  async down() {
    if (this.db.dialect.name === 'postgres') {
      this.defer(async (db) => {
        await db.rawQuery('DROP TRIGGER IF EXISTS points_postings_no_change ON points_postings')
        await db.rawQuery(
          'DROP TRIGGER IF EXISTS points_lot_consumptions_no_change ON points_lot_consumptions'
        )
      })
    }
    this.schema.dropTable('points_lot_consumptions')
    this.schema.dropTable('points_lots')
    this.schema.dropTable('points_postings')
    this.schema.dropTable('points_accounts')
  }
}
