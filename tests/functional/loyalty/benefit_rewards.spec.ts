import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import Benefit from '#app/benefits/models/benefit'
import { ClaimBenefit } from '#app/benefits/actions/claim_benefit'
import { Rewards } from '#app/loyalty/actions/rewards'
import { PointsLedger } from '#app/loyalty/services/points_ledger'
import { createMembers, differenceCount } from '#tests/functional/loyalty/fixtures'
import { rebuildDatabase } from '#tests/support/database'

async function setup(members = 1) {
  const { company, refs } = await createMembers(members)
  const benefit = await Benefit.create({
    companyId: company.id,
    name: '全年包邮',
    kind: 'free_shipping',
    description: null,
    quota: 2,
    period: 'month',
  })
  const rewardId = await new Rewards().create(
    company.id,
    {
      name: '包邮卡',
      kind: 'benefit',
      pointsCost: 100,
      stock: null,
      perMemberLimit: null,
      benefitId: benefit.id,
      benefitDays: 30,
    },
    null
  )
  for (const ref of refs) {
    await new PointsLedger().earn(ref, {
      points: 1000,
      sourceType: 'campaign',
      idempotencyKey: `seed:${ref.memberId}`,
    })
  }
  return { company, refs, benefit, rewardId }
}

async function grantsOf(memberId: number) {
  return db.from('benefit_grants').where('member_id', memberId).orderBy('id')
}

async function balanceOf(ref: { companyId: number; memberId: number }) {
  const account = await new PointsLedger().account(ref)
  return account.balance
}

test.group('Loyalty / benefit rewards', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('redeeming grants the benefit; cancelling revokes the unused grant, exactly once', async ({
    assert,
  }) => {
    const { company, refs, benefit, rewardId } = await setup()
    const [m] = refs
    const rewards = new Rewards()
    const first = await rewards.redeem(m, { rewardId, idempotencyKey: 'r-benefit-1' }, null)
    const replay = await rewards.redeem(m, { rewardId, idempotencyKey: 'r-benefit-1' }, null)
    assert.equal(replay.id, first.id)
    const grants = await grantsOf(m.memberId)
    assert.lengthOf(grants, 1)
    assert.isNull(grants[0].revoked_at)
    const redemption = await db.from('loyalty_redemptions').where('id', first.id).firstOrFail()
    assert.equal(Number(redemption.benefit_grant_id), Number(grants[0].id))
    // The member holds the benefit now.
    const held = await new ClaimBenefit().available(company.id, m.memberId)
    assert.deepEqual(
      held.map((item) => item.benefit.id),
      [benefit.id]
    )

    await rewards.cancel(company.id, first.id, null)
    await rewards.cancel(company.id, first.id, null)
    const [revoked] = await grantsOf(m.memberId)
    assert.isNotNull(revoked.revoked_at)
    assert.lengthOf(await new ClaimBenefit().available(company.id, m.memberId), 0)
    assert.equal(await balanceOf(m), 1000)
    assert.equal(await differenceCount(), 0)
  })

  test('a used grant cannot be taken back: the cancel is refused and changes nothing', async ({
    assert,
  }) => {
    const { company, refs, benefit, rewardId } = await setup()
    const [m] = refs
    const rewards = new Rewards()
    const redeemed = await rewards.redeem(m, { rewardId, idempotencyKey: 'r-benefit-2' }, null)
    await new ClaimBenefit().handle({
      companyId: company.id,
      memberId: m.memberId,
      benefitId: benefit.id,
      idempotencyKey: 'claim-1',
      channel: 'api',
      actor: null,
    })
    await assert.rejects(
      () => rewards.cancel(company.id, redeemed.id, null),
      /grant_used|E_BENEFIT_GRANT_USED/
    )
    const redemption = await db.from('loyalty_redemptions').where('id', redeemed.id).firstOrFail()
    assert.equal(redemption.status, 'active')
    const [grant] = await grantsOf(m.memberId)
    assert.isNull(grant.revoked_at)
    assert.equal(await balanceOf(m), 900)
  })

  test('a benefit reward needs a benefit of the company and sensible days', async ({ assert }) => {
    const { company } = await setup()
    await assert.rejects(
      () =>
        new Rewards().create(
          company.id,
          {
            name: '坏',
            kind: 'benefit',
            pointsCost: 10,
            stock: null,
            perMemberLimit: null,
            benefitId: 999_999,
          },
          null
        ),
      /reward_invalid|E_REWARD_INVALID/
    )
  })
})

test.group('Loyalty / benefit rewards under concurrency', (group) => {
  group.teardown(() => rebuildDatabase())

  test('a cancel racing a claim: either the claim or the revoke wins, never both', async ({
    assert,
  }) => {
    const { company, refs, benefit, rewardId } = await setup(20)
    const rewards = new Rewards()
    const redemptions: Array<{ id: number }> = []
    for (const ref of refs) {
      redemptions.push(
        await rewards.redeem(ref, { rewardId, idempotencyKey: `race-${ref.memberId}` }, null)
      )
    }
    const results = await Promise.allSettled(
      refs.flatMap((ref, i) => [
        rewards.cancel(company.id, redemptions[i].id, null),
        new ClaimBenefit().handle({
          companyId: company.id,
          memberId: ref.memberId,
          benefitId: benefit.id,
          idempotencyKey: `race-claim-${ref.memberId}`,
          channel: 'api',
          actor: null,
        }),
      ])
    )
    assert.isTrue(results.every((r) => r.status === 'fulfilled' || r.reason?.code))
    for (const [i, ref] of refs.entries()) {
      const [grant] = await grantsOf(ref.memberId)
      const [{ n }] = await db.from('benefit_claims').where('grant_id', grant.id).count('* as n')
      const redemption = await db.from('loyalty_redemptions').where('id', redemptions[i].id).first()
      const claimed = Number(n) > 0
      // Claimed: the grant stands and the redemption is active. Not claimed: revoked and cancelled.
      assert.equal(claimed, grant.revoked_at === null)
      assert.equal(redemption.status, claimed ? 'active' : 'cancelled')
      assert.equal(await balanceOf(ref), claimed ? 900 : 1000)
    }
    assert.equal(await differenceCount(), 0)
  }).timeout(60_000)
})
