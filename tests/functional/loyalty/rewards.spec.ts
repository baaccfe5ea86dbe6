import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import { Rewards } from '#app/loyalty/actions/rewards'
import { PointsLedger } from '#app/loyalty/services/points_ledger'
import { loyaltySummaryFor } from '#app/loyalty/services/loyalty_queries'
import { createMembers, differenceCount } from '#tests/functional/loyalty/fixtures'
import { createStaff } from '#tests/support/staff'
import { ManageAccessTokens } from '#app/identity/actions/manage_access_tokens'

async function available(memberId: number) {
  const summary = await loyaltySummaryFor(memberId)
  return summary.available
}

async function stockOf(rewardId: number) {
  const row = await db.from('loyalty_rewards').where('id', rewardId).firstOrFail()
  return row.stock === null ? null : Number(row.stock)
}

async function postingCount() {
  const [row] = await db.from('points_postings').count('* as n')
  return Number(row.n)
}

test.group('Loyalty / rewards', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('redeeming a coupon reward takes points and stock; cancelling returns points to their original lots', async ({
    assert,
  }) => {
    const {
      company,
      refs: [m],
    } = await createMembers()
    const ledger = new PointsLedger()
    const soon = DateTime.utc().plus({ days: 20 }).startOf('second')
    await ledger.earn(m, {
      points: 60,
      sourceType: 'order',
      sourceId: 1,
      idempotencyKey: 'o1',
      expiresAt: soon,
    })
    await ledger.earn(m, { points: 100, sourceType: 'order', sourceId: 2, idempotencyKey: 'o2' })
    const rewards = new Rewards()
    const coupon = await rewards.create(
      company.id,
      { name: '满100减10券', kind: 'coupon', pointsCost: 100, stock: 3, perMemberLimit: null },
      null
    )
    const first = await rewards.redeem(m, { rewardId: coupon, idempotencyKey: 'k1' }, null)
    assert.isTrue(first.created)
    const replay = await rewards.redeem(m, { rewardId: coupon, idempotencyKey: 'k1' }, null)
    assert.isFalse(replay.created)
    assert.equal(replay.id, first.id)
    assert.equal(await available(m.memberId), 60)
    assert.equal(await stockOf(coupon), 2)

    // The first-expiring lot was used first: 60 from it, 40 from the other.
    const lotsBefore = await db.from('points_lots').orderBy('id').select('remaining')
    assert.deepEqual(
      lotsBefore.map((l) => Number(l.remaining)),
      [0, 60]
    )
    await rewards.cancel(company.id, first.id, null)
    await rewards.cancel(company.id, first.id, null) // twice: once
    const lotsAfter = await db.from('points_lots').orderBy('id').select('remaining')
    assert.deepEqual(
      lotsAfter.map((l) => Number(l.remaining)),
      [60, 100]
    )
    assert.equal(await available(m.memberId), 160)
    assert.equal(await stockOf(coupon), 3)
    assert.equal(await differenceCount(), 0)
  })

  test('refusals write nothing: unknown reward, over the member limit, out of stock, not enough points', async ({
    assert,
  }) => {
    const {
      company,
      refs: [m],
    } = await createMembers()
    await new PointsLedger().earn(m, {
      points: 500,
      sourceType: 'order',
      sourceId: 1,
      idempotencyKey: 'o1',
    })
    const rewards = new Rewards()
    const limited = await rewards.create(
      company.id,
      { name: '生日礼', kind: 'gift', pointsCost: 50, stock: null, perMemberLimit: 1 },
      null
    )
    const rare = await rewards.create(
      company.id,
      { name: '限量保温杯', kind: 'gift', pointsCost: 50, stock: 0, perMemberLimit: null },
      null
    )
    const dear = await rewards.create(
      company.id,
      { name: '行李箱', kind: 'gift', pointsCost: 5000, stock: 10, perMemberLimit: null },
      null
    )
    await rewards.redeem(m, { rewardId: limited, idempotencyKey: 'a' }, null)
    const before = await postingCount()
    const codes: string[] = []
    for (const [rewardId, key] of [
      [999999, 'x'],
      [limited, 'b'],
      [rare, 'c'],
      [dear, 'd'],
    ] as const) {
      try {
        await rewards.redeem(m, { rewardId, idempotencyKey: key }, null)
      } catch (error: any) {
        codes.push(error.code)
      }
    }
    assert.deepEqual(codes, [
      'E_REWARD_UNKNOWN',
      'E_REWARD_LIMIT',
      'E_REWARD_OUT_OF_STOCK',
      'E_POINTS_INSUFFICIENT',
    ])
    assert.equal(await postingCount(), before)
    assert.equal(await available(m.memberId), 450)
    assert.equal(await stockOf(dear), 10)
  })

  test('the member page redeems and cancels; the Loyalty page adds rewards', async ({
    client,
    assert,
  }) => {
    const {
      company,
      refs: [m],
    } = await createMembers()
    await new PointsLedger().earn(m, {
      points: 300,
      sourceType: 'order',
      sourceId: 1,
      idempotencyKey: 'o1',
    })
    const crm = await createStaff('crm')
    const added = await client
      .post('/loyalty/rewards')
      .loginAs(crm)
      .withCsrfToken()
      .form({ name: '包邮券', kind: 'coupon', pointsCost: '120', stock: '5' })
      .redirects(0)
    added.assertStatus(302)
    const [reward] = await new Rewards().list(company.id)

    const fragment = await client
      .get(`/members/${m.memberId}/points`)
      .header('HX-Request', 'true')
      .loginAs(crm)
    assert.include(fragment.text(), 'redeem-form')

    for (let i = 0; i < 2; i++) {
      await client
        .post(`/members/${m.memberId}/redemptions`)
        .loginAs(crm)
        .withCsrfToken()
        .form({ rewardId: String(reward.id), idempotencyKey: 'form-key-1' })
        .redirects(0)
    }
    assert.equal(await available(m.memberId), 180)
    const [redemption] = await new Rewards().redemptionsOf(m.memberId)
    const cancel = await client
      .post(`/members/${m.memberId}/redemptions/${redemption.id}/cancel`)
      .loginAs(crm)
      .withCsrfToken()
      .redirects(0)
    cancel.assertStatus(302)
    assert.equal(await available(m.memberId), 300)
    assert.equal(await stockOf(reward.id), 5)
  })
})

test.group('Loyalty / rewards API', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('POST /points/redeem with reward_id redeems one unit, idempotently; both or neither is refused', async ({
    client,
    assert,
  }) => {
    const {
      company,
      refs: [m],
    } = await createMembers()
    await new PointsLedger().earn(m, {
      points: 300,
      sourceType: 'order',
      sourceId: 1,
      idempotencyKey: 'o1',
    })
    const rewardId = await new Rewards().create(
      company.id,
      { name: '包邮券', kind: 'coupon', pointsCost: 100, stock: 2, perMemberLimit: null },
      null
    )
    const crm = await createStaff('crm')
    const token = await new ManageAccessTokens().create(crm, { name: 'pos' }, null)
    const redeem = () =>
      client
        .post(`/api/v1/members/${m.memberId}/points/redeem`)
        .bearerToken(token)
        .json({ reward_id: rewardId, idempotency_key: 'pos-1' })
    const first = await redeem()
    first.assertStatus(201)
    assert.equal(first.body().data.redemption.reward_name, '包邮券')
    assert.equal(first.body().data.available, 200)
    const again = await redeem()
    again.assertStatus(200)
    assert.isTrue(again.body().data.redemption.replayed)
    assert.equal(await stockOf(rewardId), 1)

    const before = await postingCount()
    for (const body of [
      { points: 10, reward_id: rewardId, idempotency_key: 'both' },
      { idempotency_key: 'neither' },
    ]) {
      const refused = await client
        .post(`/api/v1/members/${m.memberId}/points/redeem`)
        .bearerToken(token)
        .json(body)
      refused.assertStatus(422)
      assert.equal(refused.body().error.code, 'E_REDEEM_TARGET')
    }
    assert.equal(await postingCount(), before)

    const redemptionId = first.body().data.redemption.id
    for (let i = 0; i < 2; i++) {
      const cancelled = await client
        .post(`/api/v1/members/${m.memberId}/redemptions/${redemptionId}/cancel`)
        .bearerToken(token)
      cancelled.assertStatus(200)
      assert.equal(cancelled.body().data.available, 300)
    }
    assert.equal(await stockOf(rewardId), 2)
    const unknown = await client
      .post(`/api/v1/members/${m.memberId}/redemptions/999999/cancel`)
      .bearerToken(token)
    unknown.assertStatus(404)
  })
})
