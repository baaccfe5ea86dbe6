import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { PointsLedger } from '#app/loyalty/services/points_ledger'
import { Rewards } from '#app/loyalty/actions/rewards'
import { reconcilePoints } from '#app/loyalty/services/points_reconciliation'
import { createMembers } from '#tests/functional/loyalty/fixtures'
import { rebuildDatabase } from '#tests/support/database'

/** No global transaction: the redemptions really race (pool on PostgreSQL, one writer on SQLite). */
test.group('Rewards under concurrency', (group) => {
  group.teardown(() => rebuildDatabase())

  test('40 members racing for a reward with 5 in stock: exactly 5 redemptions, no oversell', async ({
    assert,
  }) => {
    const { company, refs } = await createMembers(40)
    const ledger = new PointsLedger()
    for (const ref of refs) {
      await ledger.earn(ref, {
        points: 100,
        sourceType: 'order',
        idempotencyKey: `seed:${ref.memberId}`,
      })
    }
    const rewards = new Rewards()
    const rewardId = await rewards.create(
      company.id,
      { name: '限量礼盒', kind: 'gift', pointsCost: 80, stock: 5, perMemberLimit: 1 },
      null
    )
    const results = await Promise.allSettled(
      refs.map((ref) =>
        rewards.redeem(ref, { rewardId, idempotencyKey: `race:${ref.memberId}` }, null)
      )
    )
    const ok = results.filter((r) => r.status === 'fulfilled')
    const refused = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[]
    assert.lengthOf(ok, 5)
    assert.isTrue(refused.every((r) => r.reason.code === 'E_REWARD_OUT_OF_STOCK'))
    const reward = await db.from('loyalty_rewards').where('id', rewardId).firstOrFail()
    assert.equal(Number(reward.stock), 0)
    const [{ n }] = await db
      .from('points_postings')
      .where('company_id', company.id)
      .where('kind', 'redeem')
      .count('* as n')
    assert.equal(Number(n), 5)
    const result = await reconcilePoints()
    assert.lengthOf(result.differences, 0)
  }).timeout(60_000)
})
