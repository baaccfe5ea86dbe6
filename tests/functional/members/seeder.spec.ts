import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import MembersSeeder from '#database/seeders/members_seeder'
import { MemberStats } from '#app/commerce/actions/member_stats'
import Member from '#app/members/models/member'
import { createCompanyWithShops } from '#tests/functional/members/fixtures'
import { countRows } from '#tests/functional/members/fixtures'

test.group('Members / seeder', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('seeds the requested size with consistent member figures', async ({ assert }) => {
    await createCompanyWithShops()
    const result = await MembersSeeder.seed({ members: 120, orders: 600 }, { batch: 50 })
    assert.deepEqual(result, { members: 120, orders: 600 })
    assert.equal(await countRows('members'), 120)
    assert.equal(await countRows('orders'), 600)
    assert.isAbove(await countRows('order_items'), 600)

    const member = await Member.query().where('order_count', '>', 1).orderBy('id').firstOrFail()
    const figures = () => ({
      count: member.orderCount,
      spent: member.spentFen,
      last: member.lastOrderAt?.toMillis(),
      previous: member.previousOrderAt?.toMillis(),
    })
    const before = figures()
    assert.isBelow(before.previous!, before.last!)
    await MemberStats.recompute([member.id], db.connection())
    await member.refresh()
    assert.deepEqual(figures(), before)
    assert.match(member.name!, /^[\u4e00-\u9fa5]{2,3}$/)
    assert.exists(member.phone)

    const segmented = await db.from('members').whereNotNull('rfm_segment').count('* as n')
    assert.isAbove(Number(segmented[0].n), 0)

    // Seeding again adds more without colliding on phones or order numbers.
    await MembersSeeder.seed({ members: 10, orders: 20 })
    assert.equal(await countRows('members'), 130)
  })
})
