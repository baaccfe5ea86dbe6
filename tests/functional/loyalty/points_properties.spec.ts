import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import fc from 'fast-check'
import { PointsLedger } from '#app/loyalty/services/points_ledger'
import { reconcilePoints } from '#app/loyalty/services/points_reconciliation'
import { createMembers, clock } from '#tests/functional/loyalty/fixtures'
import { rebuildDatabase } from '#tests/support/database'
import type { Assert } from '@japa/assert'

type Op =
  | { t: 'earn'; points: number; pendingDays: number; expiresDays: number | null }
  | { t: 'redeem'; points: number }
  | { t: 'cancel'; pick: number }
  | { t: 'refund'; pick: number; percent: number }
  | { t: 'advance'; days: number }
  | { t: 'replay' }

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    t: fc.constant('earn' as const),
    points: fc.integer({ min: 1, max: 200 }),
    pendingDays: fc.constantFrom(0, 0, 3),
    expiresDays: fc.option(fc.integer({ min: 1, max: 30 }), { nil: null }),
  }),
  fc.record({ t: fc.constant('redeem' as const), points: fc.integer({ min: 1, max: 150 }) }),
  fc.record({ t: fc.constant('cancel' as const), pick: fc.nat() }),
  fc.record({
    t: fc.constant('refund' as const),
    pick: fc.nat(),
    percent: fc.integer({ min: 1, max: 100 }),
  }),
  fc.record({ t: fc.constant('advance' as const), days: fc.integer({ min: 1, max: 10 }) }),
  fc.constant({ t: 'replay' as const })
)

/**
 * Random sequences against a simple model: after every step the account
 * keeps its invariants and reconcile finds no difference.
 */
async function checkRandomSequences(assert: Assert, negativeAllowed: boolean) {
  await fc.assert(
    fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), async (ops) => {
      const time = clock()
      const ledger = new PointsLedger(time.now)
      const {
        refs: [m],
      } = await createMembers()
      if (negativeAllowed) await ledger.setNegativeAllowed(m, true)
      const policy = negativeAllowed ? ('allow_negative' as const) : ('record_shortfall' as const)
      const orders: number[] = []
      const redemptions: number[] = []
      let last: (() => Promise<unknown>) | null = null
      let n = 0
      for (const o of ops) {
        n++
        const before = await ledger.account(m)
        if (o.t === 'earn') {
          const orderId = n
          last = () =>
            ledger.earn(m, {
              points: o.points,
              sourceType: 'order',
              sourceId: orderId,
              idempotencyKey: `order:${orderId}`,
              availableAt: o.pendingDays ? time.now().plus({ days: o.pendingDays }) : null,
              expiresAt: o.expiresDays === null ? null : time.now().plus({ days: o.expiresDays }),
            })
          await last()
          orders.push(orderId)
        } else if (o.t === 'redeem') {
          const key = `r:${n}`
          last = () => ledger.redeem(m, { points: o.points, idempotencyKey: key })
          const result: any = await last().catch((e) => e)
          if (result?.code === 'E_POINTS_INSUFFICIENT') {
            assert.isFalse(negativeAllowed)
            assert.isBelow(before.balance, o.points)
            last = null
          } else {
            redemptions.push(result.id)
          }
        } else if (o.t === 'cancel' && redemptions.length) {
          const id = redemptions[o.pick % redemptions.length]
          last = () => ledger.cancelRedemption(m, { redemptionPostingId: id })
          await last()
        } else if (o.t === 'refund' && orders.length) {
          const orderId = orders[o.pick % orders.length]
          const refundId = n
          last = () =>
            ledger.reverseForRefund(m, {
              orderId,
              refundId,
              refundedFen: o.percent,
              orderPaidFen: 100,
              policy,
            })
          await last()
        } else if (o.t === 'advance') {
          time.advance({ days: o.days })
          await ledger.releaseDue()
          await ledger.expireDue()
          last = null
        } else if (o.t === 'replay' && last) {
          const snapshot = await ledger.account(m)
          await last()
          const after = await ledger.account(m)
          assert.deepEqual({ ...after, version: 0 }, { ...snapshot, version: 0 })
        }
        const account = await ledger.account(m)
        if (!negativeAllowed) assert.isAtLeast(account.balance, 0)
        assert.isAtLeast(account.pending, 0)
        // issued = available + pending + redeemed + expired + reversed (shortfalls excluded)
        assert.equal(
          account.lifetimeEarned,
          account.balance +
            account.pending +
            account.lifetimeRedeemed +
            account.lifetimeExpired +
            account.lifetimeReversed
        )
        const { differences } = await reconcilePoints()
        assert.deepEqual(differences, [])
      }
    }),
    { numRuns: 40 }
  )
}

test.group('Points ledger properties', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  for (const negativeAllowed of [false, true]) {
    test(`random sequences keep the ledger consistent (negative allowed: ${negativeAllowed})`, async ({
      assert,
    }) => {
      await checkRandomSequences(assert, negativeAllowed)
    }).timeout(120_000)
  }
})

/**
 * The same model without an outer transaction: `earn` then takes its fast
 * paths (SQLite: prepared statements in a group commit; PostgreSQL: the
 * group-committed statement), which a global transaction turns off.
 */
test.group('Points ledger properties · earn fast paths (no outer transaction)', (group) => {
  group.teardown(() => rebuildDatabase())

  for (const negativeAllowed of [false, true]) {
    test(`random sequences keep the ledger consistent (negative allowed: ${negativeAllowed})`, async ({
      assert,
    }) => {
      await checkRandomSequences(assert, negativeAllowed)
    }).timeout(120_000)
  }
})
