import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import { ManageAccessTokens } from '#app/identity/actions/manage_access_tokens'
import { ResolveMember } from '#app/members/actions/resolve_member'
import { PointsLedger } from '#app/loyalty/services/points_ledger'
import { Rewards } from '#app/loyalty/actions/rewards'
import { createStaff } from '#tests/support/staff'
import { createCompanyWithShops } from '#tests/functional/members/fixtures'

async function seed() {
  const shops = await createCompanyWithShops()
  const member = await new ResolveMember().handle({
    companyId: shops.company.id,
    identities: [{ type: 'phone', value: '13900139000' }],
    profile: { name: '王强' },
  })
  const ref = { companyId: shops.company.id, memberId: member.memberId }
  await new PointsLedger().earn(ref, {
    points: 500,
    sourceType: 'campaign',
    idempotencyKey: 'seed',
  })
  const crm = await createStaff('crm')
  const token = await new ManageAccessTokens().create(crm, { name: 'test' }, null)
  return { ...shops, ref, memberId: member.memberId, token }
}

async function postingCount() {
  const [row] = await db.from('points_postings').count('* as n')
  return Number(row.n)
}

test.group('Loyalty / API field names (camelCase, snake_case deprecated)', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('redeem and adjust take camelCase; the answers are camelCase', async ({
    client,
    assert,
  }) => {
    const { memberId, token, company } = await seed()
    const redeem = await client
      .post(`/api/v1/members/${memberId}/points/redeem`)
      .bearerToken(token)
      .json({ points: 100, idempotencyKey: 'cam-1' })
    redeem.assertStatus(201)
    assert.isUndefined(redeem.header('deprecation'))
    assert.equal(redeem.body().data.posting.sourceType, 'redemption')
    assert.equal(redeem.body().data.posting.pendingAmount, 0)
    assert.equal(redeem.body().data.available, 400)
    const replay = await client
      .post(`/api/v1/members/${memberId}/points/redeem`)
      .bearerToken(token)
      .json({ points: 100, idempotencyKey: 'cam-1' })
    replay.assertStatus(200)
    assert.isTrue(replay.body().data.posting.replayed)

    const adjust = await client
      .post(`/api/v1/members/${memberId}/points/adjust`)
      .bearerToken(token)
      .json({ points: 20, reason: '补录', idempotencyKey: 'cam-adj' })
    adjust.assertStatus(201)
    assert.equal(adjust.body().data.available, 420)

    const rewardId = await new Rewards().create(
      company.id,
      { name: '帆布袋', kind: 'gift', pointsCost: 50, stock: 3, perMemberLimit: null },
      null
    )
    const reward = await client
      .post(`/api/v1/members/${memberId}/points/redeem`)
      .bearerToken(token)
      .json({ rewardId, idempotencyKey: 'cam-reward' })
    reward.assertStatus(201)
    assert.equal(reward.body().data.redemption.rewardId, rewardId)
    assert.equal(reward.body().data.redemption.rewardName, '帆布袋')

    const ledger = await client.get(`/api/v1/members/${memberId}/points`).bearerToken(token)
    const newest = ledger.body().data[0]
    assert.equal(newest.sourceType, 'redemption')
    assert.isString(newest.createdAt)
    // Deprecated names still present for one release.
    assert.equal(newest.source_type, 'redemption')
  })

  test('the old snake_case names still work, flagged deprecated; both names disagreeing is refused', async ({
    client,
    assert,
  }) => {
    const { memberId, token } = await seed()
    const old = await client
      .post(`/api/v1/members/${memberId}/points/redeem`)
      .bearerToken(token)
      .json({ points: 10, idempotency_key: 'snake-1' })
    old.assertStatus(201)
    assert.equal(old.header('deprecation'), 'true')
    assert.equal(old.header('x-deprecated-fields'), 'idempotency_key')
    // The same key under its new name is the same request.
    const same = await client
      .post(`/api/v1/members/${memberId}/points/redeem`)
      .bearerToken(token)
      .json({ points: 10, idempotencyKey: 'snake-1' })
    same.assertStatus(200)
    assert.isTrue(same.body().data.posting.replayed)

    const before = await postingCount()
    const conflict = await client
      .post(`/api/v1/members/${memberId}/points/adjust`)
      .bearerToken(token)
      .json({ points: 5, reason: 'x', idempotencyKey: 'a-1', idempotency_key: 'a-2' })
    conflict.assertStatus(422)
    assert.equal(conflict.body().error.code, 'E_PARAM_CONFLICT')
    const missing = await client
      .post(`/api/v1/members/${memberId}/points/adjust`)
      .bearerToken(token)
      .json({ points: 5, reason: 'x' })
    missing.assertStatus(422)
    assert.equal(await postingCount(), before)
  })
})
