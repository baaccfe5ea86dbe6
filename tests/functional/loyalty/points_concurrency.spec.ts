import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { PointsLedger } from '#app/loyalty/services/points_ledger'
import { createMembers, differences, balanceOf } from '#tests/functional/loyalty/fixtures'
import { rebuildDatabase } from '#tests/support/database'

/**
 * No global transaction here: the writers must really race through the
 * pool (PostgreSQL) or the single SQLite writer. Each test uses its own
 * company, and the group rebuilds the database when it is done.
 */
test.group('Points ledger under concurrency', (group) => {
  group.teardown(() => rebuildDatabase())

  test('100 concurrent redemptions against a balance of 50: exactly 50 succeed', async ({
    assert,
  }) => {
    const ledger = new PointsLedger()
    const {
      refs: [m],
    } = await createMembers()
    await ledger.earn(m, { points: 50, sourceType: 'order', idempotencyKey: `seed:${m.memberId}` })
    const results = await Promise.allSettled(
      Array.from({ length: 100 }, (_, i) =>
        ledger.redeem(m, { points: 1, idempotencyKey: `race:${i}` })
      )
    )
    const ok = results.filter((r) => r.status === 'fulfilled')
    const refused = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[]
    assert.lengthOf(ok, 50)
    assert.isTrue(refused.every((r) => r.reason.code === 'E_POINTS_INSUFFICIENT'))
    assert.equal(await balanceOf(ledger, m), 0)
    assert.lengthOf(await differences(), 0)
  }).timeout(60_000)

  test('the same accrual replayed 1,000 times concurrently writes one posting', async ({
    assert,
  }) => {
    const ledger = new PointsLedger()
    const {
      refs: [m],
    } = await createMembers()
    const results = await Promise.all(
      Array.from({ length: 1000 }, () =>
        ledger.earn(m, {
          points: 25,
          sourceType: 'order',
          sourceId: 1,
          idempotencyKey: `order:1:${m.memberId}`,
        })
      )
    )
    assert.equal(new Set(results.map((p) => p.id)).size, 1)
    assert.equal(results.filter((p) => p.created).length, 1)
    const [row] = await db
      .from('points_postings')
      .where('source_type', 'order')
      .where('idempotency_key', `order:1:${m.memberId}`)
      .count('* as n')
    assert.equal(Number(row.n), 1)
    assert.equal(await balanceOf(ledger, m), 25)
  }).timeout(120_000)
})
