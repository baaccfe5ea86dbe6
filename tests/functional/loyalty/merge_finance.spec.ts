import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import { MergeMembers, UndoMerge } from '#app/members/actions/merge_members'
import { PointsLedger } from '#app/loyalty/services/points_ledger'
import { MovePointsOnMerge } from '#app/loyalty/actions/move_points_on_merge'
import { Tiers } from '#app/loyalty/services/tiers'
import { ResolveMember } from '#app/members/actions/resolve_member'
import { UpsertOrder } from '#app/commerce/actions/upsert_order'
import { createCompanyWithShops } from '#tests/functional/members/fixtures'
import {
  loyaltySummaryFor,
  monthlyFlow,
  pointsLiability,
} from '#app/loyalty/services/loyalty_queries'
import { createMembers, differenceCount, orderEarning } from '#tests/functional/loyalty/fixtures'
import { createStaff } from '#tests/support/staff'
import { fromDbTime } from '#app/shared/kernel/db_values'

async function available(memberId: number) {
  const summary = await loyaltySummaryFor(memberId)
  return summary.available
}

/** A company with shops and two tiers by spend: 银卡 from ¥1,000, 金卡 from ¥3,000. */
async function companyWithTiers() {
  const shops = await createCompanyWithShops()
  const tiers = new Tiers()
  const tier = (name: string, color: string, threshold: number) =>
    tiers.create(shops.company.id, { name, color, threshold }, null)
  const silver = await tier('银卡', '#9ca3af', 100_000)
  const gold = await tier('金卡', '#d4a017', 300_000)
  return { ...shops, tiers, silver, gold }
}

test.group('Loyalty / member merge and finance figures', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a merge moves the account when the target has none, and undo moves it back', async ({
    assert,
  }) => {
    const {
      company,
      refs: [source, target],
    } = await createMembers(2)
    const ledger = new PointsLedger()
    await ledger.earn(source, orderEarning(1, 80))
    const merge = await new MergeMembers().handle(
      company.id,
      source.memberId,
      target.memberId,
      null
    )
    assert.equal(await available(target.memberId), 80)
    assert.equal(await available(source.memberId), 0)
    assert.isTrue(merge.moved.pointsAccountMoved)

    await new UndoMerge().handle(company.id, merge.id, null)
    assert.equal(await available(source.memberId), 80)
    assert.equal(await available(target.memberId), 0)
    assert.equal(await differenceCount(), 0)
  })

  test('when both have points, the lots move with their expiry and return window', async ({
    assert,
  }) => {
    const {
      company,
      refs: [source, target],
    } = await createMembers(2)
    const ledger = new PointsLedger()
    const expiresAt = DateTime.utc().plus({ months: 3 }).startOf('second')
    await ledger.earn(source, orderEarning(1, 50, { expiresAt }))
    await ledger.earn(
      source,
      orderEarning(2, 30, { availableAt: DateTime.utc().plus({ days: 7 }) })
    )
    await ledger.earn(target, orderEarning(3, 10))

    const merge = await new MergeMembers().handle(
      company.id,
      source.memberId,
      target.memberId,
      null
    )
    assert.deepEqual(await loyaltySummaryFor(target.memberId), {
      available: 60,
      pending: 30,
      tier: null,
    })
    assert.deepEqual(await loyaltySummaryFor(source.memberId), {
      available: 0,
      pending: 0,
      tier: null,
    })
    const targetAccount = await ledger.account(target)
    const moved = await db
      .from('points_lots')
      .where('account_id', targetAccount.id)
      .where('source_id', '1')
      .firstOrFail()
    assert.equal(moved.source_type, 'order')
    assert.equal(fromDbTime(moved.expires_at)!.toISO(), expiresAt.toISO())
    const pendingLot = await db
      .from('points_lots')
      .where('account_id', targetAccount.id)
      .where('source_id', '2')
      .firstOrFail()
    assert.equal(pendingLot.status, 'pending')
    // Replaying the transfer changes nothing.
    const postingsBefore = await db.from('points_postings').count('* as n')
    await ledger.transferAll(source, target, `merge:${merge.id}`)
    assert.deepEqual(await db.from('points_postings').count('* as n'), postingsBefore)
    assert.equal(await differenceCount(), 0)
  })

  test('undoing a merge gives back the transferred points the target has not spent, once', async ({
    assert,
  }) => {
    const {
      company,
      refs: [source, target],
    } = await createMembers(2)
    const ledger = new PointsLedger()
    const soon = DateTime.utc().plus({ months: 1 }).startOf('second')
    const later = DateTime.utc().plus({ months: 6 }).startOf('second')
    await ledger.earn(source, orderEarning(1, 300, { expiresAt: later }))
    await ledger.earn(
      source,
      orderEarning(2, 40, { availableAt: DateTime.utc().plus({ days: 7 }) })
    )
    await ledger.earn(target, orderEarning(3, 100, { expiresAt: soon }))
    const merge = await new MergeMembers().handle(
      company.id,
      source.memberId,
      target.memberId,
      null
    )
    assert.equal(await available(target.memberId), 400)
    // Spent on the merged member: its own lot first (earlier expiry), then 50 of the source's.
    await ledger.redeem(target, { points: 150, idempotencyKey: 'spend-after-merge' })

    await new UndoMerge().handle(company.id, merge.id, null)
    assert.deepEqual(await loyaltySummaryFor(source.memberId), {
      available: 250,
      pending: 40,
      tier: null,
    })
    assert.deepEqual(await loyaltySummaryFor(target.memberId), {
      available: 0,
      pending: 0,
      tier: null,
    })
    // The lots come back with their origin, expiry and return window.
    const sourceAccount = await ledger.account(source)
    const back = await db
      .from('points_lots')
      .where('account_id', sourceAccount.id)
      .whereIn('status', ['available', 'pending'])
      .where('remaining', '>', 0)
      .orderBy('id')
    assert.deepEqual(
      back.map((lot) => [lot.source_id, lot.status, Number(lot.remaining)]),
      [
        ['1', 'available', 250],
        ['2', 'pending', 40],
      ]
    )
    assert.equal(fromDbTime(back[0].expires_at)!.toISO(), later.toISO())
    const keys = await db
      .from('points_postings')
      .where('idempotency_key', 'like', `merge:${merge.id}:undo:%`)
      .orderBy('idempotency_key')
      .select('idempotency_key', 'amount', 'pending_amount')
    assert.deepEqual(
      keys.map((row) => [row.idempotency_key, row.amount, row.pending_amount]),
      [
        [`merge:${merge.id}:undo:in`, 250, 40],
        [`merge:${merge.id}:undo:out`, -250, -40],
      ]
    )

    // Replayed (a retry after a crash): nothing moves twice.
    await new MovePointsOnMerge().transferBackAfterUndo(
      company.id,
      source.memberId,
      target.memberId,
      merge.id
    )
    assert.equal(await available(source.memberId), 250)
    assert.equal(await differenceCount(), 0)
  })

  test('transfers a crash interrupted are finished by the accrual job, each once', async ({
    assert,
    cleanup,
  }) => {
    const {
      company,
      refs: [a, b, c, d],
    } = await createMembers(4)
    const ledger = new PointsLedger()
    for (const [index, ref] of [a, b, c, d].entries()) {
      await ledger.earn(ref, orderEarning(index + 1, 100 * (index + 1)))
    }
    const moves = MovePointsOnMerge.prototype
    const ledgerSteps = PointsLedger.prototype as any
    const transferAfterMerge = moves.transferAfterMerge
    const transferBackAfterUndo = moves.transferBackAfterUndo
    const run = ledgerSteps.run
    cleanup(() => {
      moves.transferAfterMerge = transferAfterMerge
      moves.transferBackAfterUndo = transferBackAfterUndo
      ledgerSteps.run = run
    })
    const crash = () => {
      throw new Error('process killed')
    }

    // 1. The merge committed, the transfer never started (a → b).
    moves.transferAfterMerge = crash
    await assert.rejects(() => new MergeMembers().handle(company.id, a.memberId, b.memberId, null))
    moves.transferAfterMerge = transferAfterMerge
    const first = await db.from('member_merges').where('source_member_id', a.memberId).first()
    assert.isNotNull(first)
    assert.equal(await available(a.memberId), 100)

    // 2. The sending half posted, the receiving half did not (c → d).
    ledgerSteps.run = function (this: unknown, ...args: any[]) {
      if (String(args[2]).endsWith(':in')) crash()
      return run.apply(this, args)
    }
    await assert.rejects(() => new MergeMembers().handle(company.id, c.memberId, d.memberId, null))
    ledgerSteps.run = run
    assert.equal(await available(c.memberId), 0)
    assert.equal(await available(d.memberId), 400)

    assert.equal(await new MovePointsOnMerge().resumeUnfinished(), 2)
    assert.equal(await available(a.memberId), 0)
    assert.equal(await available(b.memberId), 300)
    assert.equal(await available(c.memberId), 0)
    assert.equal(await available(d.memberId), 700)

    // 3. An undo committed, its points were not sent back (a ← b).
    moves.transferBackAfterUndo = crash
    await assert.rejects(() => new UndoMerge().handle(company.id, first.id, null))
    moves.transferBackAfterUndo = transferBackAfterUndo
    assert.equal(await available(a.memberId), 0)

    assert.equal(await new MovePointsOnMerge().resumeUnfinished(), 1)
    assert.equal(await available(a.memberId), 100)
    assert.equal(await available(b.memberId), 200)
    // Nothing left to finish: running again moves nothing.
    assert.equal(await new MovePointsOnMerge().resumeUnfinished(), 0)
    assert.equal(await available(b.memberId), 200)
    assert.equal(await available(d.memberId), 700)
    assert.equal(await differenceCount(), 0)
  })

  test("a merge that lifts the target's spend over a tier threshold upgrades it at once", async ({
    assert,
  }) => {
    const { company, tmall, tiers, silver, gold } = await companyWithTiers()
    const tierId = async (memberId: number) => {
      const summary = await loyaltySummaryFor(memberId)
      return summary.tier?.id ?? null
    }
    const buyer = async (phone: string, no: string, paidFen: number, evaluate: boolean) => {
      const { memberId } = await new ResolveMember().handle({
        companyId: company.id,
        identities: [{ type: 'phone', value: phone }],
      })
      const paidAt = DateTime.utc().minus({ days: 5 })
      await new UpsertOrder().handle({
        companyId: company.id,
        shopId: tmall.id,
        platformOrderNo: no,
        memberId,
        status: 'paid',
        orderedAt: paidAt,
        paidAt,
        goodsFen: paidFen,
        paidFen,
        items: [{ skuCode: 'QZ-1', title: '大衣', quantity: 1, priceFen: paidFen }],
      })
      if (evaluate) await tiers.evaluate(company.id, memberId, 'event')
      return memberId
    }
    // The source's orders were imported and never evaluated: it has no tier yet.
    const source = await buyer('13600136011', 'T-1', 200_000, false)
    const target = await buyer('13600136012', 'T-2', 150_000, true)
    assert.isNull(await tierId(source))
    assert.equal(await tierId(target), silver)

    const merge = await new MergeMembers().handle(company.id, source, target, null)
    assert.equal(await tierId(target), gold)

    // Undone: the member split off is evaluated on its own orders.
    await new UndoMerge().handle(company.id, merge.id, null)
    assert.equal(await tierId(source), silver)
  })

  test('a tier set by hand on the duplicate goes to the member that stays; undo gives back its own', async ({
    assert,
    client,
  }) => {
    const { company, tiers, silver, gold } = await companyWithTiers()
    const member = async (phone: string) => {
      const resolved = await new ResolveMember().handle({
        companyId: company.id,
        identities: [{ type: 'phone', value: phone }],
      })
      return resolved.memberId
    }
    const source = await member('13600136021')
    const target = await member('13600136022')
    const until = DateTime.utc().plus({ months: 6 }).startOf('second')
    await tiers.setManual(company.id, source, { tierId: gold, reason: '门店 VIP', until }, null)
    await tiers.setManual(company.id, target, { tierId: silver, reason: '试用', until: null }, null)

    const merge = await new MergeMembers().handle(company.id, source, target, null)
    const carried = await tiers.state(target)
    assert.deepInclude(carried, { tierId: gold, manual: true, manualReason: '门店 VIP' })
    assert.equal(carried!.manualUntil!.toISO(), until.toISO())
    const history = await tiers.historyOf(target)
    assert.deepInclude(history[0], {
      reason: 'merge',
      toName: '金卡',
      note: `#${source} · 门店 VIP`,
      mergedFrom: null,
    })
    // The duplicate's own history shows on the member that stays, marked as the duplicate's.
    assert.deepEqual(
      history.map((entry) => [entry.reason, entry.toName, entry.mergedFrom]),
      [
        ['merge', '金卡', null],
        ['manual', '银卡', null],
        ['manual', '金卡', source],
      ]
    )

    const page = await client.get(`/members/${target}/points`).loginAs(await createStaff('crm'))
    page.assertStatus(200)
    assert.match(page.text(), new RegExp(`<li>[^<]*→ 金卡 · 门店 VIP · 原会员 #${source}</li>`))

    await new UndoMerge().handle(company.id, merge.id, null)
    const afterUndo = await tiers.historyOf(target)
    assert.notInclude(
      afterUndo.map((entry) => entry.mergedFrom),
      source,
      'an undone merge takes the duplicate history away again'
    )
    assert.deepInclude(await tiers.state(target), {
      tierId: silver,
      manual: true,
      manualReason: '试用',
      manualUntil: null,
    })
    assert.deepInclude(await tiers.state(source), { tierId: gold, manual: true })

    // A tier changed by hand since the merge stands when the merge is undone; a tier set by
    // hand that ranks lower (here: none) does not replace a higher one.
    const again = await new MergeMembers().handle(company.id, source, target, null)
    await tiers.setManual(
      company.id,
      target,
      { tierId: null, reason: '降级处理', until: null },
      null
    )
    await new UndoMerge().handle(company.id, again.id, null)
    assert.deepInclude(await tiers.state(target), { tierId: null, manualReason: '降级处理' })
    const third = await new MergeMembers().handle(company.id, target, source, null)
    assert.deepInclude(await tiers.state(source), { tierId: gold, manualReason: '门店 VIP' })
    assert.isNull(third.moved.tier)
  })

  test('a refund of an order whose points moved in a merge reverses them on the target, once', async ({
    assert,
  }) => {
    const {
      company,
      refs: [source, target],
    } = await createMembers(2)
    const ledger = new PointsLedger()
    await ledger.earn(source, orderEarning(7, 100))
    await ledger.earn(target, orderEarning(8, 10))
    // Half refunded before the merge, on the source.
    await ledger.reverseForRefund(source, {
      orderId: 7,
      refundId: 'r1',
      refundedFen: 5000,
      orderPaidFen: 10000,
      policy: 'record_shortfall',
    })
    await new MergeMembers().handle(company.id, source.memberId, target.memberId, null)
    assert.equal(await available(target.memberId), 60)

    // The order now belongs to the target; the rest is refunded there.
    const reverse = () =>
      ledger.reverseForRefund(target, {
        orderId: 7,
        refundId: 'r2',
        refundedFen: 10000,
        orderPaidFen: 10000,
        policy: 'record_shortfall',
      })
    const posting = await reverse()
    assert.equal(posting?.amount, -50, 'what the order earned, less the first refund')
    assert.equal(await available(target.memberId), 10)
    await reverse()
    assert.equal(await available(target.memberId), 10)
    // A third refund of the same order finds nothing left to take back.
    const third = await ledger.reverseForRefund(target, {
      orderId: 7,
      refundId: 'r3',
      refundedFen: 10000,
      orderPaidFen: 10000,
      policy: 'record_shortfall',
    })
    assert.isNull(third)
    assert.equal(await differenceCount(), 0)
  })

  test('liability is (available + pending) × unit cost; the monthly flow sums each kind', async ({
    assert,
  }) => {
    const {
      company,
      refs: [a, b],
    } = await createMembers(2)
    const ledger = new PointsLedger()
    await ledger.earn(a, orderEarning(1, 100))
    await ledger.earn(b, orderEarning(2, 40, { availableAt: DateTime.utc().plus({ days: 7 }) }))
    await ledger.redeem(a, { points: 30, idempotencyKey: 'r1' })
    await ledger.adjust(a, { points: -5, reason: '更正', idempotencyKey: 'adj', actor: null })

    const liability = await pointsLiability(company.id, 2)
    assert.deepEqual(liability, { available: 65, pending: 40, unitCostFen: 2, liabilityFen: 210 })

    const [month] = await monthlyFlow(company.id, 'Asia/Shanghai', 12)
    assert.equal(month.month, DateTime.utc().setZone('Asia/Shanghai').toFormat('yyyy-MM'))
    assert.equal(month.issued, 140)
    assert.equal(month.redeemed, 30)
    assert.equal(month.adjusted, -5)
  })
})

test.group('Loyalty / dashboard card', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('the liability card shows on the dashboard for roles with loyalty.view', async ({
    client,
    assert,
  }) => {
    const {
      refs: [a],
    } = await createMembers()
    await new PointsLedger().earn(a, orderEarning(1, 250))
    const crm = await createStaff('crm')
    const page = await client.get('/').loginAs(crm)
    page.assertStatus(200)
    assert.match(page.text(), /data-testid="liability-card">¥2\.50</)
  })
})
