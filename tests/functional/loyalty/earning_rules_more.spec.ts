import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import { UpsertOrder, type OrderInput } from '#app/commerce/actions/upsert_order'
import { ResolveMember } from '#app/members/actions/resolve_member'
import {
  ManageEarningRules,
  type RuleVersionInput,
} from '#app/loyalty/actions/manage_earning_rules'
import { AccrueFromCommerce } from '#app/loyalty/actions/accrue_from_commerce'
import { GrantBonuses, type BonusCounts } from '#app/loyalty/actions/grant_bonuses'
import { Tiers } from '#app/loyalty/services/tiers'
import { PointsLedger } from '#app/loyalty/services/points_ledger'
import { loyaltySummaryFor } from '#app/loyalty/services/loyalty_queries'
import { saveLoyaltySettings, defaultSettings } from '#app/loyalty/services/loyalty_settings'
import { createCompanyWithShops } from '#tests/functional/members/fixtures'
import { clock, differenceCount } from '#tests/functional/loyalty/fixtures'

const T0 = DateTime.fromISO('2026-01-01T00:00:00Z', { zone: 'utc' })
const PAID = DateTime.fromISO('2026-03-01T02:05:00Z', { zone: 'utc' })

async function setup(rule: Partial<RuleVersionInput> = {}, phone = '13800138000') {
  const shops = await createCompanyWithShops()
  const member = await new ResolveMember().handle({
    companyId: shops.company.id,
    identities: [{ type: 'phone', value: phone }],
    profile: { name: '李小芳' },
  })
  const time = clock(T0)
  await new ManageEarningRules(time.now).publishVersion(
    shops.company.id,
    { pointsPerYuan: 1, includeShipping: false, perOrderCap: null, ...rule },
    null
  )
  return { ...shops, memberId: member.memberId, time }
}

function order(
  ctx: { company: { id: number }; tmall: { id: number }; memberId: number },
  overrides: Partial<OrderInput> = {}
): OrderInput {
  return {
    companyId: ctx.company.id,
    shopId: ctx.tmall.id,
    platformOrderNo: 'TM1',
    memberId: ctx.memberId,
    status: 'paid',
    orderedAt: PAID.minus({ minutes: 5 }),
    paidAt: PAID,
    goodsFen: 10_000,
    shippingFen: 0,
    paidFen: 10_000,
    items: [{ skuCode: 'QZ-1', title: '羊毛衫', quantity: 1, priceFen: 10_000 }],
    ...overrides,
  }
}

async function accrual(orderNo: string) {
  return db
    .from('loyalty_order_accruals')
    .join('orders', 'orders.id', 'loyalty_order_accruals.order_id')
    .where('orders.platform_order_no', orderNo)
    .select('loyalty_order_accruals.*')
    .firstOrFail()
}

async function pendingOf(memberId: number) {
  const summary = await loyaltySummaryFor(memberId)
  return summary.pending
}

async function availableOf(memberId: number) {
  const summary = await loyaltySummaryFor(memberId)
  return summary.available
}

async function accrualField(orderNo: string, field: string) {
  const row = await accrual(orderNo)
  return Number(row[field])
}

async function bonusCount(bonuses: GrantBonuses, companyId: number, kind: keyof BonusCounts) {
  const counts = await bonuses.run(companyId)
  return counts[kind]
}

test.group('Loyalty / earning rules: multipliers, exclusions, tiers, budgets', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('SKU, category and shop multipliers and exclusions apply by line, by the version in force when paid', async ({
    assert,
  }) => {
    const ctx = await setup()
    // v2 from Feb 1: liquor excluded, SKU QZ-1 ×2, the Tmall shop ×1.5.
    const feb = clock(DateTime.fromISO('2026-01-20T00:00:00Z', { zone: 'utc' }))
    await new ManageEarningRules(feb.now).publishVersion(
      ctx.company.id,
      {
        pointsPerYuan: 1,
        includeShipping: false,
        perOrderCap: null,
        effectiveFrom: DateTime.fromISO('2026-02-01T00:00:00Z', { zone: 'utc' }),
        itemRules: [
          { scope: 'category', match: '酒水', percent: 0 },
          { scope: 'sku', match: 'QZ-1', percent: 200 },
          { scope: 'shop', match: String(ctx.tmall.id), percent: 150 },
        ],
      },
      null
    )
    const items = [
      { skuCode: 'QZ-1', title: '羊毛衫', category: '服装', quantity: 1, priceFen: 10_000 },
      { skuCode: 'JS-9', title: '黄酒', category: '酒水', quantity: 1, priceFen: 5_000 },
      { skuCode: 'QZ-3', title: '围巾', category: '服装', quantity: 1, priceFen: 3_000 },
    ]
    await new UpsertOrder().handle(
      order(ctx, { goodsFen: 18_000, paidFen: 18_000, items, platformOrderNo: 'NEW' })
    )
    // Paid in January: v1 (no item rules) — the whole ¥180 at ×1.
    await new UpsertOrder().handle(
      order(ctx, {
        goodsFen: 18_000,
        paidFen: 18_000,
        items,
        platformOrderNo: 'OLD',
        orderedAt: DateTime.fromISO('2026-01-15T00:00:00Z', { zone: 'utc' }),
        paidAt: DateTime.fromISO('2026-01-15T00:05:00Z', { zone: 'utc' }),
      })
    )
    await new AccrueFromCommerce(feb.now).run()
    const fresh = await accrual('NEW')
    // ¥100 × 200% (SKU beats shop) + ¥30 × 150% (shop); the liquor line is excluded.
    assert.equal(Number(fresh.points), 245)
    assert.equal(Number(fresh.eligible_fen), 13_000)
    const old = await accrual('OLD')
    assert.equal(Number(old.points), 180)
    // Replays change nothing.
    await db.from('loyalty_cursors').update({ position: 0 })
    await new AccrueFromCommerce(feb.now).run()
    assert.equal(await pendingOf(ctx.memberId), 425)
  })

  test('tier multiplier: the tier the member held when the order was paid (tier history)', async ({
    assert,
  }) => {
    const ctx = await setup()
    const tiers = new Tiers(ctx.time.now)
    const goldId = await tiers.create(
      ctx.company.id,
      { name: '金卡', color: '#d4a017', threshold: 10_000_000 },
      null
    )
    await new ManageEarningRules(ctx.time.now).publishVersion(
      ctx.company.id,
      {
        pointsPerYuan: 1,
        includeShipping: false,
        perOrderCap: null,
        tierMultipliers: { [String(goldId)]: 150 },
      },
      null
    )
    // Gold from Feb 15 (history row at that time).
    const feb15 = clock(DateTime.fromISO('2026-02-15T00:00:00Z', { zone: 'utc' }))
    await new Tiers(feb15.now).setManual(
      ctx.company.id,
      ctx.memberId,
      { tierId: goldId, reason: '大客户', until: null },
      null
    )
    await new UpsertOrder().handle(order(ctx, { platformOrderNo: 'AFTER' }))
    await new UpsertOrder().handle(
      order(ctx, {
        platformOrderNo: 'BEFORE',
        orderedAt: DateTime.fromISO('2026-02-01T00:00:00Z', { zone: 'utc' }),
        paidAt: DateTime.fromISO('2026-02-01T00:05:00Z', { zone: 'utc' }),
      })
    )
    await new AccrueFromCommerce(feb15.now).run()
    const after = await accrual('AFTER')
    assert.equal(Number(after.points), 150)
    assert.equal(Number(after.tier_id), goldId)
    const before = await accrual('BEFORE')
    assert.equal(Number(before.points), 100)
    assert.isNull(before.tier_id)
  })

  test('a promotion budget pays its extra points until spent, then orders earn the base only', async ({
    assert,
  }) => {
    const ctx = await setup()
    const promotionId = await new ManageEarningRules(ctx.time.now).createPromotion(
      ctx.company.id,
      {
        name: '会员日',
        multiplierPercent: 200,
        startsAt: PAID.minus({ hours: 1 }),
        endsAt: PAID.plus({ days: 1 }),
        budgetPoints: 150,
      },
      null
    )
    for (const no of ['B1', 'B2', 'B3']) {
      await new UpsertOrder().handle(order(ctx, { platformOrderNo: no }))
    }
    await new AccrueFromCommerce(ctx.time.now).run()
    assert.deepEqual(
      await Promise.all(['B1', 'B2', 'B3'].map(async (no) => await accrualField(no, 'points'))),
      [200, 150, 100]
    )
    assert.deepEqual(
      await Promise.all(
        ['B1', 'B2', 'B3'].map(async (no) => await accrualField(no, 'promotion_points'))
      ),
      [100, 50, 0]
    )
    const promotion = await db.from('loyalty_promotions').where('id', promotionId).firstOrFail()
    assert.equal(Number(promotion.budget_spent), 150)
    // The same orders accrued one by one (another company) give the same result.
    const other = await setup({}, '13900139000')
    await new ManageEarningRules(other.time.now).createPromotion(
      other.company.id,
      {
        name: '会员日',
        multiplierPercent: 200,
        startsAt: PAID.minus({ hours: 1 }),
        endsAt: PAID.plus({ days: 1 }),
        budgetPoints: 150,
      },
      null
    )
    const ids: number[] = []
    for (const no of ['B1', 'B2', 'B3']) {
      const result = await new UpsertOrder().handle(order(other, { platformOrderNo: no }))
      ids.push(result.orderId)
    }
    const job = new AccrueFromCommerce(other.time.now)
    for (const id of ids) await job.accrueOrder(id)
    assert.equal(await pendingOf(other.memberId), 450)
    assert.equal(await differenceCount(), 0)
  })

  test('rule input is checked: unknown tier or shop, duplicate item rule, bad percent, bad budget', async ({
    assert,
  }) => {
    const ctx = await setup()
    const rules = new ManageEarningRules(ctx.time.now)
    const base = { pointsPerYuan: 1, includeShipping: false, perOrderCap: null }
    const codes: string[] = []
    for (const input of [
      { ...base, tierMultipliers: { '999999': 150 } },
      { ...base, itemRules: [{ scope: 'shop' as const, match: '999999', percent: 150 }] },
      {
        ...base,
        itemRules: [
          { scope: 'sku' as const, match: 'A', percent: 150 },
          { scope: 'sku' as const, match: 'A', percent: 0 },
        ],
      },
      { ...base, itemRules: [{ scope: 'sku' as const, match: 'A', percent: 10.5 }] },
      { ...base, bonuses: { signup: -1 } },
    ]) {
      try {
        await rules.publishVersion(ctx.company.id, input, null)
      } catch (error: any) {
        codes.push(error.code)
      }
    }
    assert.deepEqual(codes, Array(5).fill('E_RULE_INVALID'))
    await assert.rejects(
      () =>
        rules.createPromotion(
          ctx.company.id,
          {
            name: 'x',
            multiplierPercent: 200,
            startsAt: PAID,
            endsAt: PAID.plus({ days: 1 }),
            budgetPoints: 0,
          },
          null
        ),
      /promotion_invalid|E_PROMOTION_INVALID/
    )
    const versions = await db.from('loyalty_earning_rules').where('company_id', ctx.company.id)
    assert.lengthOf(versions, 1)
  })
})

test.group('Loyalty / bonuses', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('signup, completed profile, birthday month and first order: each posted once, with its source', async ({
    assert,
  }) => {
    const shops = await createCompanyWithShops()
    const time = clock(DateTime.fromISO('2026-05-10T02:00:00Z', { zone: 'utc' }))
    await saveLoyaltySettings({ ...defaultSettings(shops.company.id), returnWindowDays: 7 }, null)
    // Registered before any rule: no signup bonus.
    const early = await new ResolveMember().handle({
      companyId: shops.company.id,
      identities: [{ type: 'phone', value: '13700137000' }],
      profile: { name: '早', registeredAt: DateTime.fromISO('2025-01-01T00:00:00Z') },
    })
    await new ManageEarningRules(time.now).publishVersion(
      shops.company.id,
      {
        pointsPerYuan: 1,
        includeShipping: false,
        perOrderCap: null,
        bonuses: { signup: 100, firstOrder: 50, birthday: 30, profile: 20 },
      },
      null
    )
    time.advance({ minutes: 5 })
    const complete = await new ResolveMember().handle({
      companyId: shops.company.id,
      identities: [{ type: 'phone', value: '13800138000' }],
      profile: {
        name: '李小芳',
        gender: 'female',
        birthday: DateTime.fromISO('1990-05-20'),
        province: '浙江',
        city: '杭州',
        registeredAt: time.now(),
      },
    })
    const bonuses = new GrantBonuses(time.now)
    // Signup and completed profile were granted at once when ResolveMember created the
    // member (birthday by today's month there, so only when today is in May).
    const birthdayAtOnce = DateTime.utc().setZone('Asia/Shanghai').month === 5
    const first = await bonuses.run(shops.company.id, { batchSize: 1 })
    assert.deepEqual(first, {
      signup: 0,
      first_order: 0,
      birthday: birthdayAtOnce ? 0 : 1,
      profile: 0,
    })
    assert.deepEqual(await bonuses.run(shops.company.id), {
      signup: 0,
      first_order: 0,
      birthday: 0,
      profile: 0,
    })
    assert.equal(await availableOf(complete.memberId), 150)
    assert.equal(await availableOf(early.memberId), 0)
    const rows = await db
      .from('points_postings')
      .where('company_id', shops.company.id)
      .where('source_type', 'rule')
      .orderBy('idempotency_key')
      .select('idempotency_key', 'source_id')
    assert.deepEqual(
      rows.map((row) => row.idempotency_key),
      [
        `bonus:birthday:${complete.memberId}:2026`,
        `bonus:profile:${complete.memberId}`,
        `bonus:signup:${complete.memberId}`,
      ]
    )

    // First order: only once its points are available (completed + return window).
    const ctx = { ...shops, memberId: complete.memberId }
    await new UpsertOrder().handle(
      order(ctx, {
        status: 'completed',
        platformOrderNo: 'F1',
        orderedAt: time.now(),
        paidAt: time.now(),
        completedAt: time.now(),
      })
    )
    await new AccrueFromCommerce(time.now).run()
    assert.equal(await bonusCount(bonuses, shops.company.id, 'first_order'), 0)
    time.advance({ days: 8 })
    await new PointsLedger(time.now).releaseDue()
    assert.equal(await bonusCount(bonuses, shops.company.id, 'first_order'), 1)
    assert.equal(await bonusCount(bonuses, shops.company.id, 'first_order'), 0)
    // A year later the birthday bonus comes again, once.
    time.set(DateTime.fromISO('2027-05-02T02:00:00Z', { zone: 'utc' }))
    assert.equal(await bonusCount(bonuses, shops.company.id, 'birthday'), 1)
    assert.equal(await bonusCount(bonuses, shops.company.id, 'birthday'), 0)
    const summary = await loyaltySummaryFor(complete.memberId)
    assert.equal(summary.available, 100 + 20 + 30 + 100 + 50 + 30)
    assert.equal(await differenceCount(), 0)
  })
})
