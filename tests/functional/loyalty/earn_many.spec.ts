import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { PointsLedger, PointsError } from '#app/loyalty/services/points_ledger'
import { createMembers, clock, differences, balanceOf } from '#tests/functional/loyalty/fixtures'
import { rebuildDatabase } from '#tests/support/database'

async function postingsOf(memberId: number) {
  return db
    .from('points_postings')
    .join('points_accounts', 'points_accounts.id', 'points_postings.account_id')
    .where('points_accounts.member_id', memberId)
    .orderBy('points_postings.id')
    .select('points_postings.*')
}

/** Real transactions (the replays race): each test has its own company; the group rebuilds the database. */
test.group('Points ledger · earnMany (batched accrual)', (group) => {
  group.teardown(() => rebuildDatabase())

  test('many members in one call: postings, lots and totals match earn', async ({ assert }) => {
    const time = clock()
    const ledger = new PointsLedger(time.now)
    const { company, refs } = await createMembers(3)
    const postings = await ledger.earnMany([
      { ref: refs[0], points: 10, sourceType: 'order', sourceId: 1, idempotencyKey: 'order:1' },
      {
        ref: refs[1],
        points: 20,
        sourceType: 'order',
        sourceId: 2,
        idempotencyKey: 'order:2',
        availableAt: time.now().plus({ days: 7 }),
      },
      {
        ref: refs[0],
        points: 5,
        sourceType: 'campaign',
        sourceId: 'c',
        idempotencyKey: 'c:1',
        expiresAt: time.now().plus({ days: 30 }),
      },
    ])
    assert.deepEqual(
      postings.map((p) => [p.amount, p.pendingAmount, p.created]),
      [
        [10, 0, true],
        [0, 20, true],
        [5, 0, true],
      ]
    )
    const a = await ledger.account(refs[0])
    const b = await ledger.account(refs[1])
    assert.deepEqual([a.balance, a.pending, a.lifetimeEarned], [15, 0, 15])
    assert.deepEqual([b.balance, b.pending, b.lifetimeEarned], [0, 20, 20])
    // An account that took no part is created but untouched.
    assert.equal(await balanceOf(ledger, refs[2]), 0)
    const lots = await db.from('points_lots').where('company_id', company.id).orderBy('id')
    assert.deepEqual(
      lots.map((lot) => [Number(lot.earn_posting_id), lot.status, Number(lot.remaining)]),
      [
        [postings[0].id, 'available', 10],
        [postings[1].id, 'pending', 20],
        [postings[2].id, 'available', 5],
      ]
    )
    assert.equal(await differences(), 0)
  })

  test('replays (earlier call, same key twice in a batch, earn then earnMany) post once', async ({
    assert,
  }) => {
    const ledger = new PointsLedger(clock().now)
    const {
      refs: [m],
    } = await createMembers()
    const first = await ledger.earn(m, {
      points: 7,
      sourceType: 'order',
      sourceId: 9,
      idempotencyKey: 'order:9',
    })
    const entry = { ref: m, points: 7, sourceType: 'order' as const, idempotencyKey: 'order:9' }
    const fresh = { ref: m, points: 3, sourceType: 'order' as const, idempotencyKey: 'order:10' }
    const replayed = await ledger.earnMany([entry, fresh, fresh])
    assert.deepEqual(
      replayed.map((p) => [p.id, p.created]),
      [
        [first.id, false],
        [replayed[1].id, true],
        [replayed[1].id, false],
      ]
    )
    const again = await ledger.earnMany([fresh, entry])
    assert.isTrue(again.every((p) => !p.created))
    assert.lengthOf(await postingsOf(m.memberId), 2)
    assert.equal(await balanceOf(ledger, m), 10)
    assert.equal(await differences(), 0)
  })

  test('new points pay back a negative balance first, as earn does', async ({ assert }) => {
    const ledger = new PointsLedger(clock().now)
    const {
      company,
      refs: [m],
    } = await createMembers()
    await ledger.setNegativeAllowed(m, true)
    await ledger.redeem(m, { points: 30, idempotencyKey: 'r:1' })
    await ledger.earnMany([
      { ref: m, points: 20, sourceType: 'campaign', idempotencyKey: 'c:1' },
      { ref: m, points: 25, sourceType: 'campaign', idempotencyKey: 'c:2' },
    ])
    assert.equal(await balanceOf(ledger, m), 15)
    const lots = await db.from('points_lots').where('company_id', company.id).orderBy('id')
    assert.deepEqual(
      lots.map((lot) => Number(lot.remaining)),
      [0, 15]
    )
    assert.equal(await differences(), 0)
  })

  test('a bad entry or a key of another member writes nothing', async ({ assert }) => {
    const ledger = new PointsLedger(clock().now)
    const { company, refs } = await createMembers(2)
    await assert.rejects(
      () =>
        ledger.earnMany([
          { ref: refs[0], points: 5, sourceType: 'campaign', idempotencyKey: 'ok' },
          { ref: refs[1], points: 1.5, sourceType: 'campaign', idempotencyKey: 'bad' },
        ]),
      PointsError as any
    )
    await ledger.earn(refs[0], { points: 5, sourceType: 'order', idempotencyKey: 'order:1' })
    await assert.rejects(
      () =>
        ledger.earnMany([
          { ref: refs[1], points: 5, sourceType: 'campaign', idempotencyKey: 'c:1' },
          { ref: refs[1], points: 5, sourceType: 'order', idempotencyKey: 'order:1' },
        ]),
      PointsError as any
    )
    const [row] = await db.from('points_postings').where('company_id', company.id).count('* as n')
    assert.equal(Number(row.n), 1)
    assert.equal(await balanceOf(ledger, refs[1]), 0)
  })

  test('600 members in one call and 10 concurrent replays of it: one posting each', async ({
    assert,
  }) => {
    const ledger = new PointsLedger(clock().now)
    const { company, refs } = await createMembers(600)
    const entries = refs.map((ref) => ({
      ref,
      points: 3,
      sourceType: 'campaign' as const,
      idempotencyKey: `c:${ref.memberId}`,
    }))
    const results = await Promise.all(Array.from({ length: 10 }, () => ledger.earnMany(entries)))
    const created = results.flat().filter((p) => p.created).length
    assert.equal(created, 600)
    const [row] = await db.from('points_postings').where('company_id', company.id).count('* as n')
    assert.equal(Number(row.n), 600)
    const [sum] = await db
      .from('points_accounts')
      .where('company_id', company.id)
      .sum('balance as n')
    assert.equal(Number(sum.n), 1800)
    assert.equal(await differences(), 0)
  })
  test('expiry of a batch above 500 lots (SQLite refused one multi-row insert of it)', async ({
    assert,
  }) => {
    const time = clock()
    const ledger = new PointsLedger(time.now)
    const { company, refs } = await createMembers(620)
    await ledger.earnMany(
      refs.map((ref) => ({
        ref,
        points: 4,
        sourceType: 'campaign' as const,
        idempotencyKey: `x:${ref.memberId}`,
        expiresAt: time.now().plus({ days: 1 }),
      }))
    )
    time.advance({ days: 2 })
    assert.equal(await ledger.expireDue({ batchSize: 1000 }), 620)
    assert.equal(await ledger.expireDue({ batchSize: 1000 }), 0)
    const [sum] = await db
      .from('points_accounts')
      .where('company_id', company.id)
      .sum('balance as b')
      .sum('lifetime_expired as e')
    assert.deepEqual([Number(sum.b), Number(sum.e)], [0, 2480])
    // One expire posting per lot, naming it as its source; every lot emptied.
    const [expired] = await db
      .from('points_postings')
      .join('points_lots', 'points_lots.id', db.raw('CAST(points_postings.source_id AS INTEGER)'))
      .where({ 'points_postings.company_id': company.id, 'points_postings.kind': 'expire' })
      .where({ 'points_lots.status': 'expired', 'points_lots.remaining': 0 })
      .count('* as lots')
      .sum('points_postings.amount as n')
    assert.deepEqual([Number(expired.lots), Number(expired.n)], [620, -2480])
    assert.equal(await differences(), 0)
  })
})
