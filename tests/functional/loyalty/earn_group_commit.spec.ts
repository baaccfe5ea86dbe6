import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { PointsLedger } from '#app/loyalty/services/points_ledger'
import { createMembers, clock, differences, balanceOf } from '#tests/functional/loyalty/fixtures'
import { rebuildDatabase } from '#tests/support/database'

async function postingCount(companyId: number) {
  const [row] = await db.from('points_postings').where('company_id', companyId).count('* as n')
  return Number(row.n)
}

/** Accounts opened beforehand (the first earns of new members have their own test). */
async function openAccounts(
  ledger: PointsLedger,
  refs: Array<{ companyId: number; memberId: number }>
) {
  for (const ref of refs) await ledger.account(ref)
}

/**
 * Concurrent `earn` calls without an outer transaction are committed
 * together (SQLite: one BEGIN IMMEDIATE with a savepoint each; PostgreSQL:
 * one statement per batch, entries one by one if it fails). These tests
 * submit their earns in one tick, so they land in one batch. Real
 * transactions: each test has its own company; the group rebuilds the
 * database when done.
 */
test.group('Points ledger · earn group commit', (group) => {
  group.teardown(() => rebuildDatabase())

  test('a bad entry among good ones fails alone; the others are posted', async ({ assert }) => {
    const ledger = new PointsLedger(clock().now)
    const { company, refs } = await createMembers(10)
    await openAccounts(ledger, refs)
    await ledger.earn(refs[0], { points: 1, sourceType: 'order', idempotencyKey: 'order:taken' })
    const results = await Promise.allSettled(
      refs.map((ref, index) =>
        ledger.earn(ref, {
          points: 10,
          sourceType: 'campaign',
          idempotencyKey: `c:${index}`,
          // Entry 3 names a staff member who does not exist: the foreign key refuses it.
          actorId: index === 3 ? 987_654_321 : null,
        })
      )
    )
    // And a key that belongs to another member's posting, in the same batch.
    const reused = await Promise.allSettled([
      ledger.earn(refs[1], { points: 5, sourceType: 'order', idempotencyKey: 'order:taken' }),
      ledger.earn(refs[2], { points: 5, sourceType: 'order', idempotencyKey: 'order:2' }),
    ])
    assert.deepEqual(
      results.map((result) => result.status),
      refs.map((_, index) => (index === 3 ? 'rejected' : 'fulfilled'))
    )
    assert.equal(reused[0].status, 'rejected')
    assert.equal((reused[0] as PromiseRejectedResult).reason.code, 'E_POINTS_KEY_REUSED')
    assert.equal(reused[1].status, 'fulfilled')
    for (const [index, ref] of refs.entries()) {
      const expected = { 0: 11, 2: 15, 3: 0 }[index] ?? 10
      assert.equal(await balanceOf(ledger, ref), expected, `member ${index}`)
    }
    assert.equal(await postingCount(company.id), 11)
    assert.lengthOf(await differences(), 0)
  })

  test("members' first earns in one batch: their accounts opened together, each posted once; an unknown member fails alone", async ({
    assert,
  }) => {
    const ledger = new PointsLedger(clock().now)
    const { company, refs } = await createMembers(8)
    const earn = (ref: { companyId: number; memberId: number }, key: string) =>
      ledger.earn(ref, { points: 10, sourceType: 'campaign', idempotencyKey: key })
    const results = await Promise.allSettled([
      ...refs.map((ref, index) => earn(ref, `first:${index}`)),
      earn(refs[0], 'first:0'),
      earn({ companyId: company.id, memberId: 987_654_321 }, 'first:nobody'),
    ])
    const posted = results
      .slice(0, 8)
      .map((result) => (result as PromiseFulfilledResult<any>).value)
    assert.isTrue(posted.slice(1).every((posting) => posting.created))
    // The two calls with one key: one posting, created by whichever committed first.
    const replay = (results[8] as PromiseFulfilledResult<any>).value
    assert.equal(replay.id, posted[0].id)
    assert.sameMembers([posted[0].created, replay.created], [true, false])
    assert.equal(results[9].status, 'rejected')
    const [accounts] = await db
      .from('points_accounts')
      .where('company_id', company.id)
      .count('* as n')
    assert.equal(Number(accounts.n), 8)
    for (const ref of refs) assert.equal(await balanceOf(ledger, ref), 10)
    assert.equal(await postingCount(company.id), 8)
    assert.lengthOf(await differences(), 0)
  })

  test('replays and one member twice inside one batch: each key posted once', async ({
    assert,
  }) => {
    const ledger = new PointsLedger(clock().now)
    const { company, refs } = await createMembers(3)
    await openAccounts(ledger, refs)
    const [a, b, c] = refs
    const calls = [
      ...Array.from({ length: 20 }, () =>
        ledger.earn(a, { points: 7, sourceType: 'order', idempotencyKey: 'order:a' })
      ),
      ...Array.from({ length: 5 }, (_, i) =>
        ledger.earn(b, { points: 3, sourceType: 'campaign', idempotencyKey: `c:b:${i}` })
      ),
      ledger.earn(c, { points: 4, sourceType: 'campaign', idempotencyKey: 'c:c' }),
      ledger.earn(c, { points: 4, sourceType: 'campaign', idempotencyKey: 'c:c' }),
    ]
    const postings = await Promise.all(calls)
    const forA = postings.slice(0, 20)
    assert.equal(new Set(forA.map((posting) => posting.id)).size, 1)
    assert.equal(forA.filter((posting) => posting.created).length, 1)
    assert.isTrue(postings.slice(20, 25).every((posting) => posting.created))
    assert.deepEqual(
      postings.slice(25).map((posting) => posting.created),
      [true, false]
    )
    assert.equal(await balanceOf(ledger, a), 7)
    assert.equal(await balanceOf(ledger, b), 15)
    assert.equal(await balanceOf(ledger, c), 4)
    assert.equal(await postingCount(company.id), 7)
    assert.lengthOf(await differences(), 0)
  })

  test('earns in one batch pay back a negative balance first, in order', async ({ assert }) => {
    const ledger = new PointsLedger(clock().now)
    const {
      company,
      refs: [m],
    } = await createMembers()
    await ledger.setNegativeAllowed(m, true)
    await ledger.redeem(m, { points: 30, idempotencyKey: 'r:1' })
    const postings = await Promise.all([
      ledger.earn(m, { points: 20, sourceType: 'campaign', idempotencyKey: 'c:1' }),
      ledger.earn(m, { points: 25, sourceType: 'campaign', idempotencyKey: 'c:2' }),
      ledger.earn(m, {
        points: 9,
        sourceType: 'campaign',
        idempotencyKey: 'c:pending',
        availableAt: clock().now().plus({ days: 7 }),
      }),
    ])
    assert.isTrue(postings.every((posting) => posting.created))
    const account = await ledger.account(m)
    assert.equal(account.balance, 15)
    assert.equal(account.pending, 9)
    const lots = await db.from('points_lots').where('company_id', company.id).orderBy('id')
    assert.deepEqual(
      lots.map((lot) => [lot.status, Number(lot.remaining)]),
      [
        ['available', 0],
        ['available', 15],
        ['pending', 9],
      ]
    )
    assert.lengthOf(await differences(), 0)
  })
})
