import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import { UpsertOrder, type OrderInput } from '#app/commerce/actions/upsert_order'
import { UpsertRefund } from '#app/commerce/actions/upsert_refund'
import { ResolveMember } from '#app/members/actions/resolve_member'
import { AccrueFromCommerce } from '#app/loyalty/actions/accrue_from_commerce'
import { ManageEarningRules } from '#app/loyalty/actions/manage_earning_rules'
import { Tiers } from '#app/loyalty/services/tiers'
import { loyaltySummaryFor } from '#app/loyalty/services/loyalty_queries'
import { saveLoyaltySettings, defaultSettings } from '#app/loyalty/services/loyalty_settings'
import { createStaff } from '#tests/support/staff'
import { createCompanyWithShops } from '#tests/functional/members/fixtures'
import { clock } from '#tests/functional/loyalty/fixtures'

const PAID = DateTime.fromISO('2026-03-01T02:00:00Z', { zone: 'utc' })

async function setup() {
  const shops = await createCompanyWithShops()
  const member = await new ResolveMember().handle({
    companyId: shops.company.id,
    identities: [{ type: 'phone', value: '13700137000' }],
    profile: { name: '赵敏' },
  })
  const time = clock(PAID.plus({ hours: 1 }))
  await new ManageEarningRules(clock(PAID.minus({ days: 30 })).now).publishVersion(
    shops.company.id,
    { pointsPerYuan: 1, includeShipping: false, perOrderCap: null },
    null
  )
  const tiers = new Tiers(time.now)
  const silver = await tiers.create(
    shops.company.id,
    { name: '银卡', color: '#9ca3af', threshold: 100_000 },
    null
  )
  const gold = await tiers.create(
    shops.company.id,
    { name: '金卡', color: '#d4a017', threshold: 300_000 },
    null
  )
  await saveLoyaltySettings({ ...defaultSettings(shops.company.id), tierGraceDays: 30 }, null)
  return { ...shops, memberId: member.memberId, time, silver, gold }
}

function order(
  ctx: { company: { id: number }; tmall: { id: number }; memberId: number },
  no: string,
  paidFen: number,
  paidAt = PAID
): OrderInput {
  return {
    companyId: ctx.company.id,
    shopId: ctx.tmall.id,
    platformOrderNo: no,
    memberId: ctx.memberId,
    status: 'paid',
    orderedAt: paidAt,
    paidAt,
    goodsFen: paidFen,
    paidFen,
    items: [{ skuCode: 'QZ-2', title: '大衣', quantity: 1, priceFen: paidFen }],
  }
}

/** Order `no` refunded in full, completed the day after payment. */
function refundInFull(
  ctx: { company: { id: number }; tmall: { id: number } },
  no: string,
  amountFen: number
) {
  return {
    companyId: ctx.company.id,
    shopId: ctx.tmall.id,
    platformRefundNo: `R${no}`,
    platformOrderNo: no,
    status: 'completed' as const,
    amountFen,
    requestedAt: PAID.plus({ days: 1 }),
    completedAt: PAID.plus({ days: 1 }),
  }
}

async function tierName(memberId: number) {
  const summary = await loyaltySummaryFor(memberId)
  return summary.tier?.name ?? null
}

test.group('Loyalty / tiers', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('the qualifying order upgrades at once; a refund starts the grace; re-evaluation downgrades after it', async ({
    assert,
  }) => {
    const ctx = await setup()
    await new UpsertOrder().handle(order(ctx, 'A', 218_000))
    await new AccrueFromCommerce(ctx.time.now).run()
    assert.equal(await tierName(ctx.memberId), '银卡')
    const progress = await new Tiers(ctx.time.now).progress(ctx.company.id, ctx.memberId)
    assert.equal(progress.missing, 82_000) // 还差 ¥820 升级金卡

    await new UpsertOrder().handle(order(ctx, 'B', 90_000))
    await new AccrueFromCommerce(ctx.time.now).run()
    assert.equal(await tierName(ctx.memberId), '金卡')

    await new UpsertRefund().handle(refundInFull(ctx, 'B', 90_000))
    await new AccrueFromCommerce(ctx.time.now).run()
    assert.equal(await tierName(ctx.memberId), '金卡') // grace period

    ctx.time.advance({ days: 10 })
    await new Tiers(ctx.time.now).reevaluateAll(ctx.company.id)
    assert.equal(await tierName(ctx.memberId), '金卡')
    ctx.time.advance({ days: 25 })
    const counts = await new Tiers(ctx.time.now).reevaluateAll(ctx.company.id)
    assert.equal(counts.downgrades, 1)
    assert.equal(await tierName(ctx.memberId), '银卡')

    // A year later the spend has rolled out of the window: down to no tier after the grace.
    ctx.time.set(PAID.plus({ months: 13 }))
    await new Tiers(ctx.time.now).reevaluateAll(ctx.company.id)
    ctx.time.advance({ days: 31 })
    await new Tiers(ctx.time.now).reevaluateAll(ctx.company.id)
    assert.isNull(await tierName(ctx.memberId))

    const history = await db
      .from('member_tier_history')
      .where('member_id', ctx.memberId)
      .orderBy('id')
      .select('reason')
    assert.deepEqual(
      history.map((h) => h.reason),
      ['upgrade', 'upgrade', 'downgrade', 'downgrade']
    )
    const tierCounts = await new Tiers().counts(ctx.company.id)
    assert.equal(tierCounts.get(null), 1)
  })

  test('many members at once: each ends as evaluating it alone leaves it', async ({ assert }) => {
    /** Four members: 金卡 spend, 银卡 spend, a manual 金卡 that ended, nothing. */
    const scenario = async () => {
      const ctx = await setup()
      const others: number[] = []
      for (const phone of ['13700137001', '13700137002', '13700137003']) {
        const member = await new ResolveMember().handle({
          companyId: ctx.company.id,
          identities: [{ type: 'phone', value: phone }],
        })
        others.push(member.memberId)
      }
      const [silverBuyer, manualEnded, nothing] = others
      const no = `${ctx.company.id}-`
      await new UpsertOrder().handle(order(ctx, `${no}G`, 350_000))
      await new UpsertOrder().handle({ ...order(ctx, `${no}S`, 150_000), memberId: silverBuyer })
      await new Tiers(clock(PAID.minus({ days: 1 })).now).setManual(
        ctx.company.id,
        manualEnded,
        { tierId: ctx.gold, reason: '补偿', until: PAID },
        null
      )
      // Out of member order on purpose: the batch locks them in order.
      return { ctx, members: [nothing, manualEnded, silverBuyer, ctx.memberId] }
    }
    /** Tier rows and history of the four, by role, with tier names for ids. */
    const outcome = async ({ ctx, members }: Awaited<ReturnType<typeof scenario>>) => {
      const role = (id: unknown) => members.indexOf(Number(id))
      const tier = (id: unknown) =>
        id === null
          ? null
          : Number(id) === ctx.gold
            ? 'gold'
            : Number(id) === ctx.silver
              ? 'silver'
              : id
      const tiers = await db.from('member_tiers').whereIn('member_id', members)
      const history = await db
        .from('member_tier_history')
        .whereIn('member_id', members)
        .orderBy('id')
      return {
        tiers: tiers
          .map((row) => [role(row.member_id), tier(row.tier_id), !!row.manual, !!row.below_since])
          .sort(),
        history: history
          .map((row) => [
            role(row.member_id),
            tier(row.from_tier_id),
            tier(row.to_tier_id),
            row.reason,
          ])
          .sort(),
      }
    }
    const expected = ['upgrade', 'upgrade', 'manual_end', null].reverse()

    const one = await scenario()
    const alone = []
    for (const memberId of one.members) {
      alone.push(await new Tiers(one.ctx.time.now).evaluate(one.ctx.company.id, memberId, 'event'))
    }
    assert.deepEqual(alone, expected)

    const many = await scenario()
    const changes = await new Tiers(many.ctx.time.now).evaluateMany(
      many.ctx.company.id,
      many.members,
      'event'
    )
    assert.deepEqual(
      many.members.map((id) => changes.get(id)),
      expected
    )
    assert.deepEqual(await outcome(many), await outcome(one))
    assert.equal(await tierName(many.ctx.memberId), '金卡')
    assert.equal(await tierName(many.members[2]), '银卡')
    assert.equal(await tierName(many.members[1]), '金卡') // its grace period starts
    assert.isNull(await tierName(many.members[0]))
  })

  test('a manual tier holds until its end date, then the earned tier applies', async ({
    assert,
  }) => {
    const ctx = await setup()
    const tiers = new Tiers(ctx.time.now)
    await assert.rejects(() =>
      tiers.setManual(
        ctx.company.id,
        ctx.memberId,
        { tierId: ctx.gold, reason: ' ', until: null },
        null
      )
    )
    await tiers.setManual(
      ctx.company.id,
      ctx.memberId,
      { tierId: ctx.gold, reason: '大客户补偿', until: ctx.time.now().plus({ days: 10 }) },
      null
    )
    assert.equal(await tierName(ctx.memberId), '金卡')
    await tiers.reevaluateAll(ctx.company.id)
    assert.equal(await tierName(ctx.memberId), '金卡')

    ctx.time.advance({ days: 11 })
    await new Tiers(ctx.time.now).evaluate(ctx.company.id, ctx.memberId, 'periodic')
    // The manual tier ended; no spend: grace starts, and after it the member drops.
    ctx.time.advance({ days: 31 })
    await new Tiers(ctx.time.now).evaluate(ctx.company.id, ctx.memberId, 'periodic')
    assert.isNull(await tierName(ctx.memberId))
    const reasons = await db
      .from('member_tier_history')
      .where('member_id', ctx.memberId)
      .orderBy('id')
      .select('reason')
    assert.deepEqual(
      reasons.map((r) => r.reason),
      ['manual', 'manual_end', 'downgrade']
    )
  })

  test('pages: tiers with counts on the Loyalty page, progress and manual tier on the member page', async ({
    client,
    assert,
  }) => {
    const ctx = await setup()
    await new UpsertOrder().handle(order(ctx, 'A', 218_000, DateTime.utc().minus({ days: 1 })))
    await new AccrueFromCommerce().run()
    const crm = await createStaff('crm')

    const page = await client.get('/loyalty').loginAs(crm)
    page.assertStatus(200)
    assert.include(page.text(), '金卡')
    const created = await client
      .post('/loyalty/tiers')
      .loginAs(crm)
      .withCsrfToken()
      .form({ name: '钻石', color: '#3b82f6', threshold: '10000' })
      .redirects(0)
    created.assertStatus(302)
    assert.lengthOf(await new Tiers().list(ctx.company.id), 3)
    const renamed = await client
      .post(`/loyalty/tiers/${ctx.gold}`)
      .loginAs(crm)
      .withCsrfToken()
      .form({ name: '金卡会员', color: '#b8860b', threshold: '2800.00' })
      .redirects(0)
    renamed.assertStatus(302)
    const afterRename = await new Tiers().list(ctx.company.id)
    const gold = afterRename.find((t) => t.id === ctx.gold)!
    assert.deepEqual([gold.name, gold.color, gold.threshold], ['金卡会员', '#b8860b', 280_000])
    await client
      .post(`/loyalty/tiers/${ctx.gold}`)
      .loginAs(crm)
      .withCsrfToken()
      .form({ name: '金卡', color: '#d4a017', threshold: '3000' })
      .redirects(0)

    const fragment = await client
      .get(`/members/${ctx.memberId}/points`)
      .header('HX-Request', 'true')
      .loginAs(crm)
    assert.include(fragment.text(), '银卡')
    assert.match(fragment.text(), /还差\s*¥820\.00\s*升级金卡/)

    const manual = await client
      .post(`/members/${ctx.memberId}/tier`)
      .loginAs(crm)
      .withCsrfToken()
      .form({ tierId: String(ctx.gold), reason: '门店 VIP' })
      .redirects(0)
    manual.assertStatus(302)
    assert.equal(await tierName(ctx.memberId), '金卡')

    const service = await createStaff('service')
    const refused = await client
      .post(`/members/${ctx.memberId}/tier`)
      .loginAs(service)
      .withCsrfToken()
      .form({ tierId: String(ctx.silver), reason: 'x' })
    refused.assertStatus(403)
  })
  test('points basis: points earned (pending included) upgrade at once; a refund reversal starts the grace', async ({
    assert,
  }) => {
    const ctx = await setup()
    await saveLoyaltySettings(
      { ...defaultSettings(ctx.company.id), tierGraceDays: 30, tierBasis: 'points' },
      null
    )
    const tiers = new Tiers(ctx.time.now)
    await tiers.update(
      ctx.company.id,
      ctx.silver,
      { name: '银卡', color: '#9ca3af', threshold: 1000 },
      null
    )
    await tiers.update(
      ctx.company.id,
      ctx.gold,
      { name: '金卡', color: '#d4a017', threshold: 3000 },
      null
    )

    await new UpsertOrder().handle(order(ctx, 'A', 218_000)) // 2,180 points, pending
    await new AccrueFromCommerce(ctx.time.now).run()
    assert.equal(await tierName(ctx.memberId), '银卡')
    const progress = await tiers.progress(ctx.company.id, ctx.memberId)
    assert.deepEqual([progress.basis, progress.value, progress.missing], ['points', 2180, 820])

    await new UpsertOrder().handle(order(ctx, 'B', 90_000))
    await new AccrueFromCommerce(ctx.time.now).run()
    assert.equal(await tierName(ctx.memberId), '金卡')

    await new UpsertRefund().handle(refundInFull(ctx, 'B', 90_000))
    await new AccrueFromCommerce(ctx.time.now).run()
    assert.equal(await tiers.rollingPointsEarned(ctx.memberId), 2180, 'the reversal counts')
    assert.equal(await tierName(ctx.memberId), '金卡')
    ctx.time.advance({ days: 31 })
    await new Tiers(ctx.time.now).reevaluateAll(ctx.company.id)
    assert.equal(await tierName(ctx.memberId), '银卡')
  })

  test('orders basis, downgrade one level at a time: each level takes its own grace period', async ({
    assert,
  }) => {
    const ctx = await setup()
    await saveLoyaltySettings(
      {
        ...defaultSettings(ctx.company.id),
        tierGraceDays: 30,
        tierBasis: 'orders',
        tierDowngrade: 'one_level',
      },
      null
    )
    const tiers = new Tiers(ctx.time.now)
    await tiers.update(
      ctx.company.id,
      ctx.silver,
      { name: '银卡', color: '#9ca3af', threshold: 1 },
      null
    )
    await tiers.update(
      ctx.company.id,
      ctx.gold,
      { name: '金卡', color: '#d4a017', threshold: 2 },
      null
    )
    await tiers.create(ctx.company.id, { name: '钻石', color: '#3b82f6', threshold: 3 }, null)

    for (const no of ['A', 'B']) await new UpsertOrder().handle(order(ctx, no, 1_000))
    await new AccrueFromCommerce(ctx.time.now).run()
    assert.equal(await tierName(ctx.memberId), '金卡')
    const progress = await tiers.progress(ctx.company.id, ctx.memberId)
    assert.equal(progress.missing, 1)
    // A closed order is not a purchase.
    await new UpsertOrder().handle({ ...order(ctx, 'C', 1_000), status: 'closed' })
    await new AccrueFromCommerce(ctx.time.now).run()
    assert.equal(await tierName(ctx.memberId), '金卡')
    await new UpsertOrder().handle(order(ctx, 'D', 1_000))
    await new AccrueFromCommerce(ctx.time.now).run()
    assert.equal(await tierName(ctx.memberId), '钻石')

    // Thirteen months on, no order is left in the window: 钻石 → 金卡 → 银卡 → none, 30 days apart.
    ctx.time.set(PAID.plus({ months: 13 }))
    const walk: (string | null)[] = []
    for (let step = 0; step < 4; step++) {
      await new Tiers(ctx.time.now).reevaluateAll(ctx.company.id)
      walk.push(await tierName(ctx.memberId))
      ctx.time.advance({ days: 31 })
    }
    assert.deepEqual(walk, ['钻石', '金卡', '银卡', null])
  })

  test('pages: the basis and downgrade settings; thresholds typed in the basis unit; progress in points', async ({
    client,
    assert,
  }) => {
    const ctx = await setup()
    const admin = await createStaff('admin')
    const saved = await client
      .post('/loyalty/settings')
      .loginAs(admin)
      .withCsrfToken()
      .form({
        returnWindowDays: '7',
        unitCostFen: '1',
        expiryPolicy: 'year_after_next',
        tierGraceDays: '30',
        shortfallPolicy: 'record_shortfall',
        tierBasis: 'points',
        tierDowngrade: 'one_level',
      })
      .redirects(0)
    saved.assertStatus(302)
    const page = await client.get('/loyalty').loginAs(admin)
    page.assertTextIncludes('近 12 个月积分门槛')
    page.assertTextIncludes('降一级')
    assert.match(page.text(), /<option value="points" selected>/)

    const fractional = await client
      .post(`/loyalty/tiers/${ctx.gold}`)
      .loginAs(admin)
      .withCsrfToken()
      .header('referer', '/loyalty')
      .form({ name: '金卡', color: '#d4a017', threshold: '2500.5' })
    fractional.assertTextIncludes('积分或订单数门槛须为非负整数')
    await client
      .post(`/loyalty/tiers/${ctx.gold}`)
      .loginAs(admin)
      .withCsrfToken()
      .form({ name: '金卡', color: '#d4a017', threshold: '2500' })
      .redirects(0)
    await client
      .post(`/loyalty/tiers/${ctx.silver}`)
      .loginAs(admin)
      .withCsrfToken()
      .form({ name: '银卡', color: '#9ca3af', threshold: '1000' })
      .redirects(0)
    const tierList = await new Tiers().list(ctx.company.id)
    assert.deepEqual(
      tierList.map((t) => t.threshold),
      [1000, 2500]
    )

    await new UpsertOrder().handle(order(ctx, 'A', 218_000, DateTime.utc().minus({ days: 1 })))
    await new AccrueFromCommerce().run()
    const member = await client.get(`/members/${ctx.memberId}/points`).loginAs(admin)
    member.assertTextIncludes('近 12 个月获得积分')
    member.assertTextIncludes('还差 320 积分升级金卡')
  })
})
