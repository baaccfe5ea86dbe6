import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import { UpsertOrder, type OrderInput } from '#app/commerce/actions/upsert_order'
import { UpsertRefund } from '#app/commerce/actions/upsert_refund'
import { ResolveMember } from '#app/members/actions/resolve_member'
import {
  ManageEarningRules,
  type RuleVersionInput,
} from '#app/loyalty/actions/manage_earning_rules'
import { AccrueFromCommerce, UNTIL_COMPLETED } from '#app/loyalty/actions/accrue_from_commerce'
import { toDbTime } from '#app/shared/kernel/db_values'
import { PointsLedger } from '#app/loyalty/services/points_ledger'
import { saveLoyaltySettings, defaultSettings } from '#app/loyalty/services/loyalty_settings'
import { loyaltySummaryFor, pointsExpiringWithin } from '#app/loyalty/services/loyalty_queries'
import { createCompanyWithShops } from '#tests/functional/members/fixtures'
import { clock, differenceCount } from '#tests/functional/loyalty/fixtures'

const T0 = DateTime.fromISO('2026-01-01T00:00:00Z', { zone: 'utc' })

async function setup(
  options: { rate?: number; cap?: number | null } & Partial<RuleVersionInput> = {}
) {
  const shops = await createCompanyWithShops()
  const member = await new ResolveMember().handle({
    companyId: shops.company.id,
    identities: [{ type: 'phone', value: '13800138000' }],
    profile: { name: '李小芳' },
  })
  const time = clock(T0)
  await new ManageEarningRules(time.now).publishVersion(
    shops.company.id,
    {
      ...options,
      pointsPerYuan: options.rate ?? 1,
      includeShipping: false,
      perOrderCap: options.cap ?? null,
    },
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
    orderedAt: DateTime.fromISO('2026-03-01T02:00:00Z', { zone: 'utc' }),
    paidAt: DateTime.fromISO('2026-03-01T02:05:00Z', { zone: 'utc' }),
    goodsFen: 20_000,
    shippingFen: 1_000,
    paidFen: 21_000,
    items: [{ skuCode: 'QZ-1', title: '羊毛衫', quantity: 1, priceFen: 20_000 }],
    ...overrides,
  }
}

/**
 * An order paid 1 March, shipped 2 March, imported as 交易成功 from an export
 * without 确认收货时间 (no completion time), accrued on 5 March; return window 7 days.
 */
async function completedWithoutTime() {
  const ctx = await setup()
  await saveLoyaltySettings({ ...defaultSettings(ctx.company.id), returnWindowDays: 7 }, null)
  const shippedAt = DateTime.fromISO('2026-03-02T00:00:00Z', { zone: 'utc' })
  await new UpsertOrder().handle(order(ctx, { status: 'completed', shippedAt }))
  const time = clock(DateTime.fromISO('2026-03-05T00:00:00Z', { zone: 'utc' }))
  await new AccrueFromCommerce(time.now).run()
  return { ctx, shippedAt, time }
}

async function pendingOf(memberId: number) {
  const summary = await loyaltySummaryFor(memberId)
  return summary.pending
}

async function availableOf(memberId: number) {
  const summary = await loyaltySummaryFor(memberId)
  return summary.available
}

async function postings(memberId: number, kind?: string) {
  return db
    .from('points_postings')
    .join('points_accounts', 'points_accounts.id', 'points_postings.account_id')
    .where('points_accounts.member_id', memberId)
    .if(kind, (q) => q.where('points_postings.kind', kind!))
    .orderBy('points_postings.id')
    .select('points_postings.*')
}

test.group('Loyalty / accrual from commerce', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a paid order earns pending points once, by the rule in force when it was paid', async ({
    assert,
  }) => {
    const ctx = await setup({ rate: 1 })
    const when = clock(DateTime.fromISO('2026-03-10T00:00:00Z', { zone: 'utc' }))
    // v2 (3 points per ¥) is published after the order was paid: the order keeps v1.
    await new ManageEarningRules(when.now).publishVersion(
      ctx.company.id,
      { pointsPerYuan: 3, includeShipping: false, perOrderCap: null },
      null
    )
    await new UpsertOrder().handle(order(ctx))
    const job = new AccrueFromCommerce(when.now)
    const first = await job.run()
    assert.equal(first.earned, 1)

    const summary = await loyaltySummaryFor(ctx.memberId)
    assert.deepEqual(summary, { available: 0, pending: 200, tier: null }) // ¥210 − ¥10 shipping, v1
    const accrual = await db.from('loyalty_order_accruals').firstOrFail()
    assert.equal(Number(accrual.points), 200)

    // Replays: the same cursor again, a reset cursor, the job twice at once — one posting.
    await job.run()
    await db.from('loyalty_cursors').update({ position: 0 })
    await Promise.all([
      new AccrueFromCommerce(when.now).run(),
      new AccrueFromCommerce(when.now).run(),
    ])
    assert.lengthOf(await postings(ctx.memberId, 'earn'), 1)
    assert.lengthOf(await db.from('loyalty_order_accruals'), 1)

    // An order paid after v2 took effect earns by v2.
    await new UpsertOrder().handle(
      order(ctx, {
        platformOrderNo: 'TM2',
        paidAt: DateTime.fromISO('2026-03-11T00:00:00Z', { zone: 'utc' }),
        orderedAt: DateTime.fromISO('2026-03-11T00:00:00Z', { zone: 'utc' }),
        paidFen: 10_000,
        shippingFen: 0,
        goodsFen: 10_000,
      })
    )
    await new AccrueFromCommerce(when.now).run()
    assert.equal(await pendingOf(ctx.memberId), 500)
  })

  test("the daily cap counts the member's other orders paid the same day (company zone)", async ({
    assert,
  }) => {
    const ctx = await setup({ perMemberDailyCap: 250 })
    const when = clock(DateTime.fromISO('2026-02-01T00:00:00Z', { zone: 'utc' }))
    // 02:05 and 15:30 UTC on 1 March are 10:05 and 23:30 in Shanghai: the same day there.
    await new UpsertOrder().handle(order(ctx))
    const late = DateTime.fromISO('2026-03-01T15:30:00Z', { zone: 'utc' })
    await new UpsertOrder().handle(
      order(ctx, { platformOrderNo: 'TM2', orderedAt: late, paidAt: late })
    )
    // 16:30 UTC is already 2 March in Shanghai: a new day.
    const nextDay = DateTime.fromISO('2026-03-01T16:30:00Z', { zone: 'utc' })
    await new UpsertOrder().handle(
      order(ctx, { platformOrderNo: 'TM3', orderedAt: nextDay, paidAt: nextDay })
    )
    await new AccrueFromCommerce(when.now).run()
    const accruals = await db.from('loyalty_order_accruals').orderBy('order_id').select('points')
    assert.deepEqual(
      accruals.map((a) => Number(a.points)),
      [200, 50, 200]
    )
    assert.equal(await pendingOf(ctx.memberId), 450)
  })

  test("the per-member total cap counts the member's orders of earlier runs and is shown in the preview", async ({
    assert,
  }) => {
    const ctx = await setup({ perMemberTotalCap: 450 })
    const when = clock(DateTime.fromISO('2026-02-01T00:00:00Z', { zone: 'utc' }))
    await new UpsertOrder().handle(order(ctx))
    await new UpsertOrder().handle(order(ctx, { platformOrderNo: 'TM2' }))
    await new AccrueFromCommerce(when.now).run()
    // A later run, days later: the first two orders still count.
    const later = DateTime.fromISO('2026-03-05T02:00:00Z', { zone: 'utc' })
    for (const no of ['TM3', 'TM4']) {
      await new UpsertOrder().handle(
        order(ctx, { platformOrderNo: no, orderedAt: later, paidAt: later })
      )
    }
    await new AccrueFromCommerce(when.now).run()
    const accruals = await db.from('loyalty_order_accruals').orderBy('order_id').select('points')
    assert.deepEqual(
      accruals.map((a) => Number(a.points)),
      [200, 200, 50, 0]
    )
    assert.equal(await pendingOf(ctx.memberId), 450)

    // The order page's preview of one more order: the cap is applied and named.
    const fifth = await new UpsertOrder().handle(
      order(ctx, { platformOrderNo: 'TM5', orderedAt: later, paidAt: later })
    )
    const preview = await new AccrueFromCommerce(when.now).previewOrder(fifth.orderId)
    assert.equal(preview!.preview!.earning.points, 0)
    const step = preview!.preview!.earning.steps.find((s) => s.step === 'member_cap')!
    assert.isTrue(step.applied)
  })

  test('pending points become available after the return window that starts at completion', async ({
    assert,
  }) => {
    const ctx = await setup()
    await saveLoyaltySettings({ ...defaultSettings(ctx.company.id), returnWindowDays: 7 }, null)
    const time = clock(DateTime.fromISO('2026-03-02T00:00:00Z', { zone: 'utc' }))
    await new UpsertOrder().handle(order(ctx))
    await new AccrueFromCommerce(time.now).run()
    // Not completed: however long we wait, nothing is released.
    time.set(DateTime.fromISO('2026-06-01T00:00:00Z', { zone: 'utc' }))
    assert.equal(await new PointsLedger(time.now).releaseDue(), 0)

    const completedAt = DateTime.fromISO('2026-06-01T00:00:00Z', { zone: 'utc' })
    await new UpsertOrder().handle(order(ctx, { status: 'completed', completedAt }))
    await new AccrueFromCommerce(time.now).run()
    time.set(completedAt.plus({ days: 6 }))
    assert.equal(await new PointsLedger(time.now).releaseDue(), 0)
    time.set(completedAt.plus({ days: 7, minutes: 1 }))
    assert.equal(await new PointsLedger(time.now).releaseDue(), 1)
    assert.deepEqual(await loyaltySummaryFor(ctx.memberId), {
      available: 200,
      pending: 0,
      tier: null,
    })
    assert.equal(await differenceCount(), 0)
  })

  test('an order imported as completed without a completion time: the window runs from its shipping time', async ({
    assert,
  }) => {
    const { ctx, shippedAt, time } = await completedWithoutTime()
    assert.include(await loyaltySummaryFor(ctx.memberId), { pending: 200 })
    time.set(shippedAt.plus({ days: 6 }))
    assert.equal(await new PointsLedger(time.now).releaseDue(), 0)
    time.set(shippedAt.plus({ days: 7, minutes: 1 }))
    assert.equal(await new PointsLedger(time.now).releaseDue(), 1)
    assert.include(await loyaltySummaryFor(ctx.memberId), { available: 200 })
    assert.equal(await differenceCount(), 0)
  })

  test('points accrued earlier as waiting for completion are scheduled by the next run', async ({
    assert,
  }) => {
    const { ctx, shippedAt, time } = await completedWithoutTime()
    // As the accrual left such an order before: its lot waiting for a completion.
    await db
      .from('points_lots')
      .where('source_type', 'order')
      .update({ available_at: toDbTime(UNTIL_COMPLETED) })
    const again = await new AccrueFromCommerce(time.now).run()
    assert.equal(again.changes, 0)
    assert.equal(again.scheduled, 1)
    time.set(shippedAt.plus({ days: 7, minutes: 1 }))
    assert.equal(await new PointsLedger(time.now).releaseDue(), 1)
    assert.include(await loyaltySummaryFor(ctx.memberId), { available: 200 })
    // Nothing left to schedule: the next run finds none.
    assert.include(await new AccrueFromCommerce(time.now).run(), { scheduled: 0 })
  })

  test('a refund reverses its proportional share exactly once, even delivered twice', async ({
    assert,
  }) => {
    const ctx = await setup()
    const time = clock(DateTime.fromISO('2026-03-02T00:00:00Z', { zone: 'utc' }))
    await new UpsertOrder().handle(order(ctx))
    await new AccrueFromCommerce(time.now).run()
    const refund = {
      companyId: ctx.company.id,
      shopId: ctx.tmall.id,
      platformRefundNo: 'R1',
      platformOrderNo: 'TM1',
      status: 'completed' as const,
      amountFen: 5_250, // a quarter of ¥210
      requestedAt: DateTime.fromISO('2026-03-03T00:00:00Z', { zone: 'utc' }),
      completedAt: DateTime.fromISO('2026-03-04T00:00:00Z', { zone: 'utc' }),
    }
    await new UpsertRefund().handle(refund)
    await new UpsertRefund().handle(refund) // the same refund arrives again
    await new AccrueFromCommerce(time.now).run()
    await db.from('loyalty_cursors').update({ position: 0 })
    await new AccrueFromCommerce(time.now).run()

    const reversals = await postings(ctx.memberId, 'reverse')
    assert.lengthOf(reversals, 1)
    assert.equal(Number(reversals[0].pending_amount), -50)
    assert.equal(await pendingOf(ctx.memberId), 150)
    assert.equal(await differenceCount(), 0)
  })

  test('an order closed after it was paid gives back its pending points, once', async ({
    assert,
  }) => {
    const ctx = await setup()
    const time = clock(DateTime.fromISO('2026-03-02T00:00:00Z', { zone: 'utc' }))
    await new UpsertOrder().handle(order(ctx))
    await new AccrueFromCommerce(time.now).run()
    assert.equal(await pendingOf(ctx.memberId), 200)
    const closedAt = DateTime.fromISO('2026-03-02T01:00:00Z', { zone: 'utc' })
    await new UpsertOrder().handle(order(ctx, { status: 'closed', closedAt }))
    await new AccrueFromCommerce(time.now).run()
    await db.from('loyalty_cursors').update({ position: 0 })
    await new AccrueFromCommerce(time.now).run()
    assert.equal(await pendingOf(ctx.memberId), 0)
    assert.lengthOf(await postings(ctx.memberId, 'reverse'), 1)
    assert.equal(await differenceCount(), 0)

    // Paid and closed before the job ran: it never earns.
    await new UpsertOrder().handle(order(ctx, { platformOrderNo: 'TM9' }))
    await new UpsertOrder().handle(
      order(ctx, { platformOrderNo: 'TM9', status: 'closed', closedAt })
    )
    await new AccrueFromCommerce(time.now).run()
    assert.lengthOf(await postings(ctx.memberId, 'earn'), 1)
  })

  test('closed orders that earned nothing are skipped in place; one that earned is reversed in sequence', async ({
    assert,
  }) => {
    const ctx = await setup()
    const time = clock(DateTime.fromISO('2026-03-02T00:00:00Z', { zone: 'utc' }))
    const closedAt = DateTime.fromISO('2026-03-02T01:00:00Z', { zone: 'utc' })
    await new UpsertOrder().handle(order(ctx, { platformOrderNo: 'A' }))
    await new AccrueFromCommerce(time.now).run()

    // One run over: C paid, B closed (never paid), D paid, A closed (earned before), E paid.
    await new UpsertOrder().handle(order(ctx, { platformOrderNo: 'C' }))
    await new UpsertOrder().handle(
      order(ctx, { platformOrderNo: 'B', status: 'closed', paidAt: null, closedAt })
    )
    await new UpsertOrder().handle(order(ctx, { platformOrderNo: 'D' }))
    await new UpsertOrder().handle(order(ctx, { platformOrderNo: 'A', status: 'closed', closedAt }))
    await new UpsertOrder().handle(order(ctx, { platformOrderNo: 'E' }))
    const progress: number[] = []
    const counts = await new AccrueFromCommerce(time.now).run({
      batchSize: 2,
      onBatch: async (sofar) => {
        progress.push(sofar.changes)
      },
    })

    assert.deepEqual(progress, [2, 4, 5])
    assert.equal(counts.changes, 5)
    assert.equal(counts.earned, 3)
    assert.equal(counts.reversed, 1)
    assert.equal(counts.skipped, 1)
    const orders = await db.from('orders').where('company_id', ctx.company.id)
    const orderIds = new Map(orders.map((row) => [row.platform_order_no, Number(row.id)]))
    const keys = async (kind: string) => {
      const rows = await postings(ctx.memberId, kind)
      return rows.map((posting) => posting.idempotency_key)
    }
    assert.deepEqual(
      await keys('earn'),
      ['A', 'C', 'D', 'E'].map((no) => `order:${orderIds.get(no)}`)
    )
    assert.lengthOf(await keys('reverse'), 1)
    assert.equal(await pendingOf(ctx.memberId), 600)
    assert.equal(await differenceCount(), 0)
  })

  test('a refund after the points were spent follows the shortfall policy', async ({ assert }) => {
    const ctx = await setup()
    const time = clock(DateTime.fromISO('2026-03-02T00:00:00Z', { zone: 'utc' }))
    const completedAt = DateTime.fromISO('2026-03-02T00:00:00Z', { zone: 'utc' })
    await saveLoyaltySettings({ ...defaultSettings(ctx.company.id), returnWindowDays: 0 }, null)
    await new UpsertOrder().handle(order(ctx, { status: 'completed', completedAt }))
    time.set(completedAt.plus({ minutes: 1 }))
    await new AccrueFromCommerce(time.now).run()
    await new PointsLedger(time.now).releaseDue()
    const ref = { companyId: ctx.company.id, memberId: ctx.memberId }
    await new PointsLedger(time.now).redeem(ref, { points: 180, idempotencyKey: 'gift-1' })

    await new UpsertRefund().handle({
      companyId: ctx.company.id,
      shopId: ctx.tmall.id,
      platformRefundNo: 'R-ALL',
      platformOrderNo: 'TM1',
      status: 'completed',
      amountFen: 21_000,
      requestedAt: completedAt.plus({ days: 1 }),
      completedAt: completedAt.plus({ days: 1 }),
    })
    await new AccrueFromCommerce(time.now).run()
    const [reversal] = await postings(ctx.memberId, 'reverse')
    assert.equal(Number(reversal.amount), -20)
    assert.equal(Number(reversal.shortfall), 180)
    assert.equal(await availableOf(ctx.memberId), 0)
    assert.equal(await differenceCount(), 0)
  })

  test('orders without a member, unpaid orders and unrelated changes earn nothing and move the cursor', async ({
    assert,
  }) => {
    const ctx = await setup()
    await new UpsertOrder().handle(order(ctx, { memberId: null, platformOrderNo: 'ANON' }))
    await new UpsertOrder().handle(
      order(ctx, { platformOrderNo: 'UNPAID', status: 'pending', paidAt: null })
    )
    const counts = await new AccrueFromCommerce().run()
    assert.equal(counts.earned, 0)
    assert.equal(counts.changes, 2)
    assert.isAbove(counts.cursor, 0)
    assert.lengthOf(await db.from('points_postings'), 0)
  })

  test('expiry: lots get the policy date; expiring-soon is queryable; the daily job expires them', async ({
    assert,
  }) => {
    const ctx = await setup()
    await saveLoyaltySettings(
      {
        ...defaultSettings(ctx.company.id),
        returnWindowDays: 0,
        expiryPolicy: 'months',
        expiryMonths: 1,
      },
      null
    )
    const completedAt = DateTime.fromISO('2026-03-02T00:00:00Z', { zone: 'utc' })
    const time = clock(completedAt.plus({ minutes: 5 }))
    await new UpsertOrder().handle(order(ctx, { status: 'completed', completedAt }))
    await new AccrueFromCommerce(time.now).run()
    const [lot] = await db.from('points_lots')
    assert.equal(lot.status, 'available')

    const soon = await pointsExpiringWithin(ctx.company.id, 31, { now: time.now() })
    assert.deepEqual(
      soon.map((r) => [r.memberId, r.points]),
      [[ctx.memberId, 200]]
    )
    assert.lengthOf(await pointsExpiringWithin(ctx.company.id, 20, { now: time.now() }), 0)

    time.advance({ months: 1, minutes: 1 })
    const ledger = new PointsLedger(time.now)
    assert.equal(await ledger.expireDue({ batchSize: 1 }), 1)
    assert.equal(await ledger.expireDue(), 0)
    assert.equal(await availableOf(ctx.memberId), 0)
    assert.lengthOf(await postings(ctx.memberId, 'expire'), 1)
  })
})
