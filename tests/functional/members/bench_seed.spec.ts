import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import { MemberStats } from '#app/commerce/actions/member_stats'
import { Phone } from '#app/shared/kernel/phone'
import { createCompanyWithShops, countRows } from '#tests/functional/members/fixtures'
import { seedMembersBulk } from '../../../bench/_members_seed.js'

/** The order figures MemberStats keeps on a member. */
const FIGURES = [
  'id',
  'order_count',
  'spent_fen',
  'first_order_at',
  'last_order_at',
  'previous_order_at',
]

test.group('Members / set-based bench seeder', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('generates members, orders, lines and history that agree with each other', async ({
    assert,
  }) => {
    await createCompanyWithShops()
    const result = await seedMembersBulk({ members: 40, orders: 400 })
    assert.equal(result.members, 40)
    assert.equal(result.orders, 400)
    assert.equal(await countRows('members'), 40)
    assert.equal(await countRows('orders'), 400)
    assert.equal(await countRows('order_items'), 400)
    assert.equal(await countRows('commerce_status_changes'), 400)
    assert.equal(await countRows('member_identities'), 80)

    // Every order belongs to one of the new members, lines add up to the order.
    const orphans = await db
      .from('orders')
      .whereNull('member_id')
      .orWhereNotIn('member_id', db.from('members').select('id'))
      .count('* as n')
    assert.equal(Number(orphans[0].n), 0)
    const mismatched = await db
      .from('orders')
      .join('order_items', 'order_items.order_id', 'orders.id')
      .whereRaw('order_items.price_fen * order_items.quantity <> orders.goods_fen')
      .orWhereRaw('order_items.paid_fen <> orders.paid_fen')
      .count('* as n')
    assert.equal(Number(mismatched[0].n), 0)
    const statuses = await db.from('orders').distinct('status').orderBy('status')
    assert.includeMembers(
      statuses.map((s: any) => s.status),
      ['completed']
    )

    // The member figures are what MemberStats computes from the orders.
    const before = await db.from('members').orderBy('id').select(FIGURES)
    await MemberStats.recompute(
      before.map((m: any) => m.id),
      db.connection()
    )
    const after = await db.from('members').orderBy('id').select(FIGURES)
    assert.deepEqual(after, before)
    assert.isAbove(Number(before[0].order_count), 0)
    assert.isTrue(before.some((m: any) => m.previous_order_at !== null))

    // Phones are real: encrypted, and their blind index is the phone identity.
    const member = await db.from('members').orderBy('id').first()
    const phone = Phone.decrypt(member.phone_encrypted)!
    assert.equal(phone.blindIndex, member.phone_hash)
    const identity = await db
      .from('member_identities')
      .where({ member_id: member.id, type: 'phone' })
      .first()
    assert.equal(identity.value, member.phone_hash)
    assert.isAbove(await countRows('member_categories'), 0)
  })
})
