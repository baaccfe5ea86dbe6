import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import CouponBatch from '#app/coupons/models/coupon_batch'
import CouponTemplate from '#app/coupons/models/coupon_template'
import { IssueCouponBatch } from '#app/coupons/actions/issue_coupon_batch'
import { issueCouponTo } from '#app/coupons/actions/issue_coupon'
import { createMembers } from '#tests/functional/loyalty/fixtures'
import { createStaff } from '#tests/support/staff'
import { rebuildDatabase } from '#tests/support/database'

/**
 * The issue limit (发行量) under real races (no global transaction): batches
 * and points redemptions of one template check the limit under the
 * template's lock, so together they never issue more than it allows.
 */
test.group('Coupons / issue limit under concurrency', (group) => {
  group.teardown(() => rebuildDatabase())

  test('four batches and six single issues racing for a limit of 9: exactly 9 coupons', async ({
    assert,
  }) => {
    const { company, refs } = await createMembers(12)
    const crm = await createStaff('crm')
    const template = await CouponTemplate.create({
      companyId: company.id,
      name: '限量券',
      kind: 'no_threshold',
      amountFen: 500,
      validDays: 30,
      totalLimit: 9,
    })
    const batches = await Promise.all(
      [1, 2, 3, 4].map((n) =>
        CouponBatch.create({
          companyId: company.id,
          templateId: template.id,
          filters: {},
          requestKey: `race-${n}`,
          requestedById: crm.id,
        })
      )
    )
    const issuer = new IssueCouponBatch()
    const [batchResults, singles] = await Promise.all([
      Promise.allSettled(batches.map((batch) => issuer.run(batch.id))),
      Promise.allSettled(
        refs
          .slice(0, 6)
          .map((ref) => db.transaction((trx) => issueCouponTo(trx, template.id, ref.memberId)))
      ),
    ])
    const coupons = await db.from('coupons').where('template_id', template.id).count('* as n')
    assert.equal(Number(coupons[0].n), 9)

    const batchCounts = batchResults.map((r) => (r.status === 'fulfilled' ? r.value : null))
    assert.isTrue(batchCounts.every(Boolean), 'every batch finishes, counting what it left out')
    const byBatches = batchCounts.reduce((sum, c) => sum + c!.issued, 0)
    const bySingles = singles.filter((r) => r.status === 'fulfilled').length
    assert.equal(byBatches + bySingles, 9)
    for (const refused of singles.filter((r) => r.status === 'rejected')) {
      assert.equal((refused as PromiseRejectedResult).reason.code, 'E_COUPON_LIMIT_REACHED')
    }
    for (const counts of batchCounts) {
      assert.equal(counts!.members, 12)
      assert.equal(counts!.issued + counts!.overLimit + counts!.already, 12)
    }
  }).timeout(60_000)
})
