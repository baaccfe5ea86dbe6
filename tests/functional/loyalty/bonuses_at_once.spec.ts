import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import { ManageAccessTokens } from '#app/identity/actions/manage_access_tokens'
import { ManageEarningRules } from '#app/loyalty/actions/manage_earning_rules'
import { AccrueFromCommerce, ACCRUAL_CURSOR } from '#app/loyalty/actions/accrue_from_commerce'
import { GrantBonuses } from '#app/loyalty/actions/grant_bonuses'
import { saveLoyaltySettings, defaultSettings } from '#app/loyalty/services/loyalty_settings'
import { loyaltySummaryFor } from '#app/loyalty/services/loyalty_queries'
import { createStaff } from '#tests/support/staff'
import { createCompanyWithShops } from '#tests/functional/members/fixtures'
import { differenceCount } from '#tests/functional/loyalty/fixtures'

const NONE = { signup: 0, first_order: 0, birthday: 0, profile: 0 }

/** A company whose rule (in force since a month ago) gives every bonus but the birthday one. */
async function setup(returnWindowDays = 0) {
  const shops = await createCompanyWithShops()
  await saveLoyaltySettings({ ...defaultSettings(shops.company.id), returnWindowDays }, null)
  await new ManageEarningRules(() => DateTime.utc().minus({ days: 30 })).publishVersion(
    shops.company.id,
    {
      pointsPerYuan: 1,
      includeShipping: false,
      perOrderCap: null,
      bonuses: { signup: 100, firstOrder: 50, birthday: 0, profile: 20 },
    },
    null
  )
  const crm = await createStaff('crm')
  const token = await new ManageAccessTokens().create(crm, { name: 'erp' }, null)
  return { ...shops, token }
}

async function bonusKeys(companyId: number) {
  const rows = await db
    .from('points_postings')
    .where('company_id', companyId)
    .where('source_type', 'rule')
    .orderBy('idempotency_key')
    .select('idempotency_key')
  return rows.map((row) => row.idempotency_key)
}

async function availableOf(memberId: number) {
  const summary = await loyaltySummaryFor(memberId)
  return summary.available
}

function completedOrder(completedAt: DateTime) {
  const at = completedAt.toISO()
  return {
    status: 'completed',
    orderedAt: completedAt.minus({ hours: 1 }).toISO(),
    paidAt: completedAt.minus({ minutes: 50 }).toISO(),
    completedAt: at,
    paidFen: 30_000,
    buyer: { phone: '13800138000' },
    items: [{ skuCode: 'QZ-1', title: '羊毛衫', quantity: 1, priceFen: 30_000 }],
  }
}

test.group('Loyalty / bonuses granted at once', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a member created through the API has the signup bonus at once; the daily job adds nothing', async ({
    client,
    assert,
  }) => {
    const { company, token } = await setup()
    const created = await client
      .post('/api/v1/members')
      .json({ phone: '13800138001', name: '王五' })
      .bearerToken(token)
    created.assertStatus(201)
    const memberId = created.body().data.id
    assert.deepEqual(await bonusKeys(company.id), [`bonus:signup:${memberId}`])
    assert.equal(await availableOf(memberId), 100)

    // Completing the profile through the API grants that bonus at once too.
    const patched = await client
      .patch(`/api/v1/members/${memberId}`)
      .json({ gender: 'male', birthday: '1991-02-03', province: '浙江', city: '杭州' })
      .bearerToken(token)
    patched.assertStatus(200)
    assert.deepEqual(await bonusKeys(company.id), [
      `bonus:profile:${memberId}`,
      `bonus:signup:${memberId}`,
    ])
    assert.equal(await availableOf(memberId), 120)

    assert.deepEqual(await new GrantBonuses().run(company.id), NONE)
    assert.lengthOf(await bonusKeys(company.id), 2)
    assert.equal(await differenceCount(), 0)
  })

  test('the first paid order grants the first-order bonus once, however often it is replayed', async ({
    client,
    assert,
  }) => {
    const { company, tmall, token } = await setup(0)
    const body = completedOrder(DateTime.utc().minus({ minutes: 5 }))
    const first = await client
      .put(`/api/v1/shops/${tmall.id}/orders/TM-B1`)
      .json(body)
      .bearerToken(token)
    first.assertStatus(201)
    const memberId = first.body().data.memberId
    // The buyer was created by the order: signup at once.
    assert.deepEqual(await bonusKeys(company.id), [`bonus:signup:${memberId}`])

    // The commerce → accrual path: the order earns and, its points available, the bonus follows.
    const accrual = new AccrueFromCommerce()
    const counts = await accrual.run()
    assert.equal(counts.earned, 1)
    assert.deepEqual(await bonusKeys(company.id), [
      `bonus:first_order:${memberId}`,
      `bonus:signup:${memberId}`,
    ])
    assert.equal(await availableOf(memberId), 100 + 300 + 50)

    // Replays: the same order again, a second order, the whole history from the start.
    await client
      .put(`/api/v1/shops/${tmall.id}/orders/TM-B1`)
      .json(body)
      .bearerToken(token)
      .then((response) => response.assertStatus(200))
    await client
      .put(`/api/v1/shops/${tmall.id}/orders/TM-B2`)
      .json(body)
      .bearerToken(token)
      .then((response) => response.assertStatus(201))
    await accrual.run()
    await db.from('loyalty_cursors').where('name', ACCRUAL_CURSOR).update({ position: 0 })
    await new AccrueFromCommerce().run()
    await accrual.releaseDue()
    const firstOrderPostings = await db
      .from('points_postings')
      .where('company_id', company.id)
      .where('idempotency_key', `bonus:first_order:${memberId}`)
    assert.lengthOf(firstOrderPostings, 1)
    assert.equal(
      firstOrderPostings[0].reason,
      `bonus:first_order rule:v1 order:${first.body().data.id}`
    )

    // The daily job afterwards: nothing left to post.
    assert.deepEqual(await new GrantBonuses().run(company.id), NONE)
    assert.equal(await availableOf(memberId), 100 + 300 + 50 + 300)
    assert.equal(await differenceCount(), 0)
  })

  test('a paid order waits for its return window: the bonus comes when its points are released', async ({
    client,
    assert,
  }) => {
    const { company, tmall, token } = await setup(7)
    const completedAt = DateTime.utc().minus({ days: 1 })
    const put = await client
      .put(`/api/v1/shops/${tmall.id}/orders/TM-P1`)
      .json(completedOrder(completedAt))
      .bearerToken(token)
    put.assertStatus(201)
    const memberId = put.body().data.memberId
    await new AccrueFromCommerce().run()
    // Pending (inside the return window): no first-order bonus yet, not even from the daily job.
    assert.notInclude(await bonusKeys(company.id), `bonus:first_order:${memberId}`)
    assert.deepEqual(await new GrantBonuses().run(company.id), NONE)

    const later = DateTime.utc().plus({ days: 7 })
    const released = await new AccrueFromCommerce(() => later).releaseDue()
    assert.equal(released, 1)
    assert.include(await bonusKeys(company.id), `bonus:first_order:${memberId}`)
    assert.deepEqual(await new GrantBonuses(() => later).run(company.id), NONE)
    assert.equal(await differenceCount(), 0)
  })
})
