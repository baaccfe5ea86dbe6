import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import ace from '@adonisjs/core/services/ace'
import { PointsLedger, PointsError } from '#app/loyalty/services/points_ledger'
import PointsReconcile from '#commands/points_reconcile'
import { createMembers, clock, differences, balanceOf } from '#tests/functional/loyalty/fixtures'
import { createStaff } from '#tests/support/staff'

async function lots(memberId: number) {
  return db
    .from('points_lots')
    .join('points_accounts', 'points_accounts.id', 'points_lots.account_id')
    .where('points_accounts.member_id', memberId)
    .orderBy('points_lots.id')
    .select('points_lots.*')
}

async function postingCount(memberId: number) {
  const [row] = await db
    .from('points_postings')
    .join('points_accounts', 'points_accounts.id', 'points_postings.account_id')
    .where('points_accounts.member_id', memberId)
    .count('* as n')
  return Number(row.n)
}

async function remainings(memberId: number) {
  const rows = await lots(memberId)
  return rows.map((lot) => Number(lot.remaining))
}

test.group('Points ledger', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('earn then redeem takes from the first-expiring lot first', async ({ assert }) => {
    const time = clock()
    const ledger = new PointsLedger(time.now)
    const {
      refs: [m],
    } = await createMembers()
    await ledger.earn(m, {
      points: 100,
      sourceType: 'order',
      sourceId: 1,
      idempotencyKey: 'order:1',
      expiresAt: time.now().plus({ months: 12 }),
    })
    await ledger.earn(m, {
      points: 50,
      sourceType: 'order',
      sourceId: 2,
      idempotencyKey: 'order:2',
      expiresAt: time.now().plus({ months: 6 }),
    })
    await ledger.earn(m, { points: 30, sourceType: 'rule', idempotencyKey: 'signup' })
    await ledger.redeem(m, { points: 70, idempotencyKey: 'r1' })

    const account = await ledger.account(m)
    assert.equal(account.balance, 110)
    assert.equal(account.lifetimeEarned, 180)
    assert.equal(account.lifetimeRedeemed, 70)
    const remaining = await remainings(m.memberId)
    assert.deepEqual(remaining, [80, 0, 30])
    assert.lengthOf(await differences(), 0)
  })

  test('overdrawing is refused with a translated error and writes nothing', async ({ assert }) => {
    const ledger = new PointsLedger()
    const {
      refs: [m],
    } = await createMembers()
    await ledger.earn(m, { points: 10, sourceType: 'order', idempotencyKey: 'o' })
    const error = await ledger.redeem(m, { points: 11, idempotencyKey: 'r' }).catch((e) => e)
    assert.instanceOf(error, PointsError)
    assert.equal(error.code, 'E_POINTS_INSUFFICIENT')
    assert.equal(error.translationKey, 'loyalty.errors.insufficient')
    assert.equal(await balanceOf(ledger, m), 10)
    assert.equal(await postingCount(m.memberId), 1)

    for (const bad of [0, -5, 1.5, Number.NaN]) {
      const invalid = await ledger
        .redeem(m, { points: bad, idempotencyKey: `bad${bad}` })
        .catch((e) => e)
      assert.equal(invalid.code, 'E_POINTS_INVALID')
    }
    assert.equal(await postingCount(m.memberId), 1)
  })

  test('the same idempotency key twice returns the first posting and changes nothing', async ({
    assert,
  }) => {
    const ledger = new PointsLedger()
    const {
      refs: [m],
    } = await createMembers()
    const first = await ledger.earn(m, {
      points: 10,
      sourceType: 'order',
      sourceId: 9,
      idempotencyKey: 'order:9',
    })
    const again = await ledger.earn(m, {
      points: 99,
      sourceType: 'order',
      sourceId: 9,
      idempotencyKey: 'order:9',
    })
    assert.isTrue(first.created)
    assert.isFalse(again.created)
    assert.equal(again.id, first.id)
    assert.equal(again.amount, 10)
    const r1 = await ledger.redeem(m, { points: 4, idempotencyKey: 'r' })
    const r2 = await ledger.redeem(m, { points: 4, idempotencyKey: 'r' })
    assert.equal(r1.id, r2.id)
    assert.equal(await balanceOf(ledger, m), 6)
    const {
      refs: [other],
    } = await createMembers()
    const reused = await ledger
      .earn(
        { ...other, companyId: m.companyId },
        { points: 1, sourceType: 'order', idempotencyKey: 'order:9' }
      )
      .catch((e) => e)
    assert.equal(reused.code, 'E_POINTS_KEY_REUSED')
    assert.equal(await postingCount(m.memberId), 2)
  })

  test('pending points become available after the return window', async ({ assert }) => {
    const time = clock()
    const ledger = new PointsLedger(time.now)
    const {
      refs: [m],
    } = await createMembers()
    await ledger.earn(m, {
      points: 40,
      sourceType: 'order',
      sourceId: 3,
      idempotencyKey: 'order:3',
      availableAt: time.now().plus({ days: 7 }),
    })
    let account = await ledger.account(m)
    assert.equal(account.balance, 0)
    assert.equal(account.pending, 40)
    const refused = await ledger.redeem(m, { points: 1, idempotencyKey: 'r' }).catch((e) => e)
    assert.equal(refused.code, 'E_POINTS_INSUFFICIENT')

    time.advance({ days: 6 })
    assert.equal(await ledger.releaseDue(), 0)
    time.advance({ days: 1 })
    assert.equal(await ledger.releaseDue(), 1)
    assert.equal(await ledger.releaseDue(), 0)
    account = await ledger.account(m)
    assert.equal(account.balance, 40)
    assert.equal(account.pending, 0)
    assert.lengthOf(await differences(), 0)
  })

  test('cancelling a redemption returns points to their original lots and expiry dates', async ({
    assert,
  }) => {
    const time = clock()
    const ledger = new PointsLedger(time.now)
    const {
      refs: [m],
    } = await createMembers()
    await ledger.earn(m, {
      points: 30,
      sourceType: 'order',
      sourceId: 1,
      idempotencyKey: 'o1',
      expiresAt: time.now().plus({ days: 10 }),
    })
    await ledger.earn(m, {
      points: 30,
      sourceType: 'order',
      sourceId: 2,
      idempotencyKey: 'o2',
      expiresAt: time.now().plus({ days: 20 }),
    })
    const redemption = await ledger.redeem(m, { points: 45, idempotencyKey: 'r' })
    assert.deepEqual(await remainings(m.memberId), [0, 15])

    const cancel = await ledger.cancelRedemption(m, { redemptionPostingId: redemption.id })
    const cancelAgain = await ledger.cancelRedemption(m, { redemptionPostingId: redemption.id })
    assert.equal(cancel.id, cancelAgain.id)
    assert.deepEqual(await remainings(m.memberId), [30, 30])
    assert.equal(await balanceOf(ledger, m), 60)

    // The first lot still expires on its own date.
    time.advance({ days: 11 })
    assert.equal(await ledger.expireDue(), 1)
    assert.equal(await balanceOf(ledger, m), 30)

    const unknown = await ledger
      .cancelRedemption(m, { redemptionPostingId: cancel.id })
      .catch((e) => e)
    assert.equal(unknown.code, 'E_POINTS_REDEMPTION_UNKNOWN')
    assert.lengthOf(await differences(), 0)
  })

  test('expiry is idempotent and batched', async ({ assert }) => {
    const time = clock()
    const ledger = new PointsLedger(time.now)
    const { refs } = await createMembers(3)
    for (const [i, m] of refs.entries()) {
      for (let j = 0; j < 3; j++) {
        await ledger.earn(m, {
          points: 10,
          sourceType: 'order',
          idempotencyKey: `o${i}-${j}`,
          expiresAt: time.now().plus({ days: 1 + j }),
        })
      }
      await ledger.redeem(m, { points: 5, idempotencyKey: `r${i}` })
    }
    time.advance({ days: 2, minutes: 1 })
    assert.equal(await ledger.expireDue({ batchSize: 2 }), 6)
    assert.equal(await ledger.expireDue({ batchSize: 2 }), 0)
    for (const m of refs) {
      const account = await ledger.account(m)
      assert.equal(account.balance, 10)
      assert.equal(account.lifetimeExpired, 15)
    }
    // Each expiry names the lot it emptied as its source, with what was left in it.
    const expiries = await db
      .from('points_postings')
      .join('points_lots', 'points_lots.id', db.raw('CAST(points_postings.source_id AS INTEGER)'))
      .where({ 'points_postings.kind': 'expire', 'points_postings.source_type': 'expiry' })
      .select('points_postings.amount', 'points_lots.status', 'points_lots.remaining')
    assert.lengthOf(expiries, 6)
    for (const row of expiries) {
      assert.equal(row.status, 'expired')
      assert.equal(Number(row.remaining), 0)
    }
    assert.equal(-expiries.reduce((sum, row) => sum + Number(row.amount), 0), 15 * refs.length)
    assert.lengthOf(await differences(), 0)
  })

  test('expiry batches: a run stopped after one batch leaves consistent accounts, the next carries on, a re-run posts nothing', async ({
    assert,
  }) => {
    const time = clock()
    const ledger = new PointsLedger(time.now)
    const { refs } = await createMembers(5)
    // Each member: a lot expiring tomorrow (day by member, so the batch order is known)
    // and one in a year; the first member also a second due lot, spent to 0.
    for (const [i, m] of refs.entries()) {
      await ledger.earn(m, {
        points: 10,
        sourceType: 'order',
        idempotencyKey: `due-${i}`,
        expiresAt: time.now().plus({ days: 1, minutes: i }),
      })
      await ledger.earn(m, {
        points: 7,
        sourceType: 'order',
        idempotencyKey: `later-${i}`,
        expiresAt: time.now().plus({ days: 365 }),
      })
    }
    await ledger.earn(refs[0], {
      points: 4,
      sourceType: 'order',
      idempotencyKey: 'due-spent',
      expiresAt: time.now().plus({ days: 1, hours: 2 }),
    })
    await ledger.redeem(refs[0], { points: 14, idempotencyKey: 'spend-0' })
    time.advance({ days: 3 })

    // Batch boundary: two lots per batch → the accounts of members 0 and 1, with all their due lots.
    assert.equal(await ledger.expireDue({ batchSize: 2, maxBatches: 1, workers: 1 }), 1)
    const balances = async () => {
      const out: number[] = []
      for (const m of refs) out.push(await balanceOf(ledger, m))
      return out
    }
    assert.deepEqual(await balances(), [7, 7, 17, 17, 17])
    const firstLots = await lots(refs[0].memberId)
    assert.deepEqual(
      firstLots.map((lot) => lot.status),
      ['expired', 'available', 'expired']
    )
    assert.lengthOf(await differences(), 0)

    // The next run carries on from what is still due; then nothing is left.
    assert.equal(await ledger.expireDue({ batchSize: 2 }), 3)
    assert.deepEqual(await balances(), [7, 7, 7, 7, 7])
    assert.equal(await ledger.expireDue({ batchSize: 2 }), 0)
    assert.equal(await ledger.expireDue(), 0)
    const keys = await db
      .from('points_postings')
      .where('company_id', refs[0].companyId)
      .where('kind', 'expire')
      .orderBy('id')
      .select('idempotency_key', 'amount', 'source_id')
    assert.lengthOf(keys, 4)
    for (const row of keys) {
      assert.equal(row.idempotency_key, `expire:lot:${row.source_id}:1`)
      assert.equal(Number(row.amount), -10)
    }
    for (const m of refs) {
      const account = await ledger.account(m)
      assert.equal(account.lifetimeExpired, m === refs[0] ? 0 : 10)
    }
    assert.lengthOf(await differences(), 0)
  })

  test('staff adjustments need a reason and are audit-logged', async ({ assert }) => {
    const ledger = new PointsLedger()
    const {
      refs: [m],
    } = await createMembers()
    const staff = await createStaff('admin')
    const missing = await ledger
      .adjust(m, { points: 5, reason: '  ', idempotencyKey: 'a0', actor: staff })
      .catch((e) => e)
    assert.equal(missing.code, 'E_POINTS_REASON_REQUIRED')
    await ledger.adjust(m, { points: 20, reason: '客诉补偿', idempotencyKey: 'a1', actor: staff })
    await ledger.adjust(m, { points: -5, reason: '误发', idempotencyKey: 'a2', actor: staff })
    const over = await ledger
      .adjust(m, { points: -50, reason: '误发', idempotencyKey: 'a3', actor: staff })
      .catch((e) => e)
    assert.equal(over.code, 'E_POINTS_INSUFFICIENT')
    assert.equal(await balanceOf(ledger, m), 15)
    const events = await db
      .from('audit_events')
      .where('action', 'loyalty.points.adjust')
      .where('actor_id', staff.id)
    assert.lengthOf(events, 2)
    const adjusted = await ledger.account(m)
    const rawInsert = await db
      .table('points_postings')
      .insert({
        company_id: m.companyId,
        account_id: adjusted.id,
        kind: 'adjust',
        amount: 1,
        source_type: 'staff_adjustment',
        idempotency_key: 'no-reason',
        created_at: '2026-01-01 00:00:00',
      })
      .then(() => null)
      .catch((e) => e)
    assert.instanceOf(rawInsert, Error)
  })

  test('a refund reverses its share exactly once, pending points first', async ({ assert }) => {
    const time = clock()
    const ledger = new PointsLedger(time.now)
    const {
      refs: [m],
    } = await createMembers()
    await ledger.earn(m, {
      points: 100,
      sourceType: 'order',
      sourceId: 7,
      idempotencyKey: 'order:7',
      availableAt: time.now().plus({ days: 7 }),
    })
    const refund = {
      orderId: 7,
      refundId: 70,
      refundedFen: 3000,
      orderPaidFen: 10000,
      policy: 'record_shortfall' as const,
    }
    const first = await ledger.reverseForRefund(m, refund)
    const again = await ledger.reverseForRefund(m, refund)
    assert.equal(first!.id, again!.id)
    assert.equal(first!.pendingAmount, -30)
    let account = await ledger.account(m)
    assert.equal(account.pending, 70)
    // A second partial refund; the total never exceeds what the order earned.
    await ledger.reverseForRefund(m, { ...refund, refundId: 71, refundedFen: 10000 })
    account = await ledger.account(m)
    assert.equal(account.pending, 0)
    assert.equal(account.lifetimeReversed, 100)
    assert.isNull(await ledger.reverseForRefund(m, { ...refund, refundId: 72 }))
    assert.lengthOf(await differences(), 0)
  })

  test('a refund after the points were spent follows the shortfall policy', async ({ assert }) => {
    const ledger = new PointsLedger()
    const {
      refs: [a, b],
    } = await createMembers(2)
    // Order and refund ids are unique within a company, so are their keys.
    for (const [i, m] of [a, b].entries()) {
      await ledger.earn(m, {
        points: 100,
        sourceType: 'order',
        sourceId: i + 1,
        idempotencyKey: `order:${i + 1}`,
      })
      await ledger.redeem(m, { points: 80, idempotencyKey: `r${i}` })
    }
    const taken = await ledger.reverseForRefund(a, {
      orderId: 1,
      refundId: 1,
      refundedFen: 500,
      orderPaidFen: 500,
      policy: 'record_shortfall',
    })
    assert.equal(taken!.amount, -20)
    assert.equal(taken!.shortfall, 80)
    assert.equal(await balanceOf(ledger, a), 0)

    await ledger.setNegativeAllowed(b, true)
    const negative = await ledger.reverseForRefund(b, {
      orderId: 2,
      refundId: 2,
      refundedFen: 500,
      orderPaidFen: 500,
      policy: 'allow_negative',
    })
    assert.equal(negative!.amount, -100)
    assert.equal(await balanceOf(ledger, b), -80)
    // New points pay back the debt first.
    await ledger.earn(b, {
      points: 100,
      sourceType: 'order',
      sourceId: 3,
      idempotencyKey: 'order:3',
    })
    assert.equal(await balanceOf(ledger, b), 20)
    assert.lengthOf(await differences(), 0)
  })

  test('postings and consumptions cannot be changed or deleted', async ({ assert }) => {
    const ledger = new PointsLedger()
    const {
      refs: [m],
    } = await createMembers()
    const posting = await ledger.earn(m, { points: 5, sourceType: 'order', idempotencyKey: 'o' })
    await ledger.redeem(m, { points: 5, idempotencyKey: 'r' })
    // Each attempt in its own savepoint so the failed statement does not poison the test transaction on PG.
    const attempt = (sql: string) =>
      db
        .transaction((trx) => trx.rawQuery(sql))
        .then(
          () => null,
          (e) => e
        )
    assert.instanceOf(
      await attempt(`update points_postings set amount = 50 where id = ${posting.id}`),
      Error
    )
    assert.instanceOf(await attempt(`delete from points_postings where id = ${posting.id}`), Error)
    assert.instanceOf(await attempt(`update points_lot_consumptions set amount = 1`), Error)
    assert.instanceOf(await attempt(`update points_lots set remaining = -1`), Error)
    assert.instanceOf(await attempt(`update points_accounts set balance = -1`), Error)
  })

  test('points:reconcile prints what it checked and fails on a tampered balance', async ({
    assert,
  }) => {
    const ledger = new PointsLedger()
    const {
      refs: [m],
    } = await createMembers()
    await ledger.earn(m, { points: 12, sourceType: 'order', idempotencyKey: 'o' })

    const ok = await ace.create(PointsReconcile, [])
    ok.ui.switchMode('raw')
    await ok.exec()
    assert.equal(ok.exitCode ?? 0, 0)
    const okLines = ok.ui.logger.getLogs().map((log) => log.message)
    assert.match(okLines.at(-1)!, /^accounts=\d+ postings=\d+ lots=\d+ differences=0$/)

    const account = await ledger.account(m)
    await db.rawQuery('update points_accounts set balance = balance + 1 where id = ?', [account.id])
    const bad = await ace.create(PointsReconcile, [])
    bad.ui.switchMode('raw')
    await bad.exec()
    assert.equal(bad.exitCode, 1)
    const badLines = bad.ui.logger.getLogs().map((log) => log.message)
    assert.match(badLines.at(-1)!, /differences=1$/)
    assert.isTrue(badLines.some((line) => line.includes(`account=${account.id} `)))
  })
})
