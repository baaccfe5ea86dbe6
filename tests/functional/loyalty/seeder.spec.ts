import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import MembersSeeder from '#database/seeders/members_seeder'
import LoyaltySeeder from '#database/seeders/loyalty_seeder'
import { reconcilePoints } from '#app/loyalty/services/points_reconciliation'
import { createCompanyWithShops, countRows } from '#tests/functional/members/fixtures'

test.group('Loyalty / demo seeder', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('seeds a programme and credits the demo orders by it, once', async ({ assert }) => {
    await createCompanyWithShops()
    await MembersSeeder.seed({ members: 40, orders: 160 }, { batch: 50 })
    const first = await LoyaltySeeder.seed()
    assert.isAbove(first.postings, 0)
    assert.equal(await countRows('loyalty_earning_rules'), 1)
    assert.equal(await countRows('loyalty_tiers'), 3)
    assert.equal(await countRows('loyalty_rewards'), 3)
    assert.equal(await countRows('loyalty_promotions'), 1)
    const [{ n }] = await db.from('loyalty_order_accruals').count('* as n')
    assert.isAbove(Number(n), 0)
    // Bonuses by the seeded rule: every demo member registered under it gets the signup bonus, once.
    const [{ signups }] = await db
      .from('points_postings')
      .where('source_type', 'rule')
      .whereLike('idempotency_key', 'bonus:signup:%')
      .count('* as signups')
    assert.isAbove(Number(signups), 0)
    const result = await reconcilePoints()
    assert.lengthOf(result.differences, 0)

    const again = await LoyaltySeeder.seed()
    assert.equal(again.postings, 0)
    assert.equal(await countRows('loyalty_tiers'), 3)
  })
})
