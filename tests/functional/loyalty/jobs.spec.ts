import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { DateTime } from 'luxon'
import queue from '#start/jobs'
import { accruePointsJob, expirePointsJob } from '#app/loyalty/jobs/loyalty_jobs'
import { PointsLedger } from '#app/loyalty/services/points_ledger'
import { createMembers } from '#tests/functional/loyalty/fixtures'

test.group('Loyalty / jobs', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('accrual, expiry and tier re-evaluation are registered and scheduled', ({ assert }) => {
    const scheduled = new Map(queue.schedules.map((s) => [s.name, s]))
    assert.equal(scheduled.get('loyalty.accrue')?.cron, '*/10 * * * *')
    assert.equal(scheduled.get('loyalty.expire')?.cron, '15 0 * * *')
    assert.equal(scheduled.get('loyalty.tiers')?.cron, '45 0 * * *')
    for (const name of ['loyalty.accrue', 'loyalty.expire', 'loyalty.tiers']) {
      assert.equal(scheduled.get(name)?.tz, 'Asia/Shanghai')
    }
  })

  test('the jobs report what they did', async ({ assert }) => {
    const {
      refs: [m],
    } = await createMembers()
    await new PointsLedger().earn(m, {
      points: 10,
      sourceType: 'campaign',
      idempotencyKey: 'c1',
      expiresAt: DateTime.utc().minus({ minutes: 1 }),
    })
    const reported: Record<string, number>[] = []
    const context = (payload: any) =>
      ({
        payload,
        report: async (counts: Record<string, number>) => {
          reported.push(counts)
        },
        progress: async () => {},
      }) as any
    const expired = await expirePointsJob.handle(context({}))
    assert.deepEqual(expired, { expired: 1 })
    const accrued = await accruePointsJob.handle(context({}))
    assert.include(Object.keys(accrued as object), 'released')
    assert.lengthOf(reported, 2)
  })
})
