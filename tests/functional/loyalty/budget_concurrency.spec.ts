import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import { PointsLedger } from '#app/loyalty/services/points_ledger'
import { ManageEarningRules } from '#app/loyalty/actions/manage_earning_rules'
import { createMembers, differenceCount } from '#tests/functional/loyalty/fixtures'
import { rebuildDatabase } from '#tests/support/database'

/**
 * Promotion budgets under real races (no global transaction, as in
 * points_concurrency.spec.ts): the budget is spent in the posting's
 * transaction, so concurrent accruals never give out more than it holds.
 */
async function promotionWithBudget(companyId: number, budgetPoints: number) {
  const now = DateTime.utc()
  return new ManageEarningRules().createPromotion(
    companyId,
    {
      name: `预算${budgetPoints}`,
      multiplierPercent: 200,
      startsAt: now.plus({ days: 1 }),
      endsAt: now.plus({ days: 2 }),
      budgetPoints,
    },
    null
  )
}

async function extraGiven(companyId: number) {
  const [row] = await db
    .from('points_postings')
    .where('company_id', companyId)
    .sum('amount as a')
    .sum('pending_amount as p')
  return Number(row.a ?? 0) + Number(row.p ?? 0)
}

test.group('Promotion budgets under concurrency', (group) => {
  group.teardown(() => rebuildDatabase())

  test('60 concurrent earns against a budget of 105 extra points: exactly 105 given', async ({
    assert,
  }) => {
    const { company, refs } = await createMembers(60)
    const promotionId = await promotionWithBudget(company.id, 105)
    const ledger = new PointsLedger()
    const results = await Promise.allSettled(
      refs.map((ref, i) =>
        ledger.earn(ref, {
          points: 20,
          sourceType: 'order',
          sourceId: i,
          idempotencyKey: `order:budget:${i}`,
          promotionBudget: { promotionId, points: 10 },
        })
      )
    )
    assert.isTrue(results.every((r) => r.status === 'fulfilled'))
    // 60 × 10 base points + the 105 the budget held (ten full extras and one of 5).
    assert.equal(await extraGiven(company.id), 600 + 105)
    const promotion = await db.from('loyalty_promotions').where('id', promotionId).firstOrFail()
    assert.equal(Number(promotion.budget_spent), 105)
    assert.equal(await differenceCount(), 0)
  }).timeout(60_000)

  test('concurrent earnMany batches share one budget without overspending', async ({ assert }) => {
    const { company, refs } = await createMembers(40)
    const promotionId = await promotionWithBudget(company.id, 333)
    const ledger = new PointsLedger()
    const batches = Array.from({ length: 8 }, (_, b) =>
      refs.slice(b * 5, b * 5 + 5).map((ref, i) => ({
        ref,
        points: 30,
        sourceType: 'order' as const,
        sourceId: `${b}-${i}`,
        idempotencyKey: `order:batch:${b}:${i}`,
        promotionBudget: { promotionId, points: 15 },
      }))
    )
    // Each batch twice at once: replays must not spend the budget again.
    const results = await Promise.allSettled(
      [...batches, ...batches].map((batch) => ledger.earnMany(batch))
    )
    assert.isTrue(results.every((r) => r.status === 'fulfilled'))
    assert.equal(await extraGiven(company.id), 40 * 15 + 333)
    const promotion = await db.from('loyalty_promotions').where('id', promotionId).firstOrFail()
    assert.equal(Number(promotion.budget_spent), 333)
    // Spent: the database refuses going past the budget even without the ledger.
    await assert.rejects(() =>
      db.from('loyalty_promotions').where('id', promotionId).update({ budget_spent: 334 })
    )
    assert.equal(await differenceCount(), 0)
  }).timeout(60_000)
})
