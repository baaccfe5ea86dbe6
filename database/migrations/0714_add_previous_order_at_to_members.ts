import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * The member's latest purchase before the last one, kept with the other
 * order figures (MemberStats). The lifecycle stage 召回成功 (bought within
 * the active days after a gap longer than the lost days) read it from the
 * orders, one index probe per recent buyer: 429k probes, 5–6 s of a full
 * RFM recompute at 1M members / 10M orders on PostgreSQL. With the time on
 * the member the stage is a comparison of two columns.
 *
 * Filled here from the orders (purchase statuses as of this migration: paid,
 * shipped, completed); one statement, about a minute at 1M members.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('members', (table) => {
      table.timestamp('previous_order_at').nullable()
    })
    this.defer(async (db) => {
      await db.rawQuery(
        `update members set previous_order_at = (
           select max(o.ordered_at) from orders o
           where o.member_id = members.id and o.status in ('paid', 'shipped', 'completed')
             and o.ordered_at < members.last_order_at)
         where order_count > 1 and last_order_at is not null`
      )
    })
  }

  async down() {
    this.schema.alterTable('members', (table) => {
      table.dropColumn('previous_order_at')
    })
  }
}
