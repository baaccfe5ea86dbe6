import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import type User from '#app/identity/models/user'
import { ManageAccessTokens } from '#app/identity/actions/manage_access_tokens'
import { ResolveMember } from '#app/members/actions/resolve_member'
import { PointsLedger } from '#app/loyalty/services/points_ledger'
import AuditEvent from '#app/shared/audit/models/audit_event'
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
  return { ...shops, ref, memberId: member.memberId }
}

async function tokenFor(user: User) {
  return new ManageAccessTokens().create(user, { name: 'test' }, null)
}

async function postingCount() {
  const [row] = await db.from('points_postings').count('* as n')
  return Number(row.n)
}

test.group('Loyalty / pages', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('the rules page: publish a version, add a promotion, overlapping windows refused, preview', async ({
    client,
    assert,
  }) => {
    await seed()
    const crm = await createStaff('crm')
    const page = await client.get('/loyalty').loginAs(crm)
    page.assertStatus(200)
    page.assertTextIncludes('计算顺序')

    const publish = await client
      .post('/loyalty/rules')
      .loginAs(crm)
      .withCsrfToken()
      .form({ pointsPerYuan: '2', perOrderCap: '300' })
      .redirects(0)
    publish.assertStatus(302)
    const [rule] = await db.from('loyalty_earning_rules')
    assert.equal(Number(rule.points_per_yuan), 2)

    const start = DateTime.now().setZone('Asia/Shanghai').plus({ days: 1 }).startOf('day')
    const fmt = (d: DateTime) => d.toFormat("yyyy-MM-dd'T'HH:mm")
    await client
      .post('/loyalty/promotions')
      .loginAs(crm)
      .withCsrfToken()
      .form({
        name: '会员日',
        multiplierPercent: '200',
        startsAt: fmt(start),
        endsAt: fmt(start.plus({ days: 1 })),
      })
      .redirects(0)
    const overlap = await client
      .post('/loyalty/promotions')
      .loginAs(crm)
      .withCsrfToken()
      .header('referer', '/loyalty')
      .form({
        name: '双十二',
        multiplierPercent: '300',
        startsAt: fmt(start.plus({ hours: 12 })),
        endsAt: fmt(start.plus({ days: 2 })),
      })
      .redirects(0)
    overlap.assertStatus(302)
    assert.lengthOf(await db.from('loyalty_promotions'), 1)

    // During the promotion: ¥100 paid, ¥10 shipping → 90 × 2 = 180 × 2 = 360 → capped at 300.
    const preview = await client
      .get('/loyalty/preview')
      .qs({ paid: '100', shipping: '10', paidAt: fmt(start.plus({ hours: 2 })) })
      .header('HX-Request', 'true')
      .loginAs(crm)
    preview.assertStatus(200)
    assert.match(preview.text(), /data-testid="preview-points">300</)
    assert.include(preview.text(), '会员日')
    const outside = await client.get('/loyalty').qs({ paid: '100', shipping: '10' }).loginAs(crm)
    assert.match(outside.text(), /data-testid="preview-points">180</)
  })

  test('viewers see the rules page but cannot change rules', async ({ client }) => {
    await seed()
    const viewer = await createStaff('viewer')
    const page = await client.get('/loyalty').loginAs(viewer)
    page.assertStatus(200)
    const refused = await client
      .post('/loyalty/rules')
      .loginAs(viewer)
      .withCsrfToken()
      .form({ pointsPerYuan: '5' })
    refused.assertStatus(403)
  })

  test('the member page loads the points fragment; staff adjust with a mandatory reason, once', async ({
    client,
    assert,
  }) => {
    const { ref, memberId } = await seed()
    await new PointsLedger().earn(ref, {
      points: 120,
      sourceType: 'order',
      sourceId: 77,
      idempotencyKey: 'order:77',
    })
    const crm = await createStaff('crm')
    const show = await client.get(`/members/${memberId}`).loginAs(crm)
    show.assertStatus(200)
    assert.include(show.text(), `/members/${memberId}/points`)

    const fragment = await client
      .get(`/members/${memberId}/points`)
      .header('HX-Request', 'true')
      .loginAs(crm)
    fragment.assertStatus(200)
    assert.match(fragment.text(), /data-testid="points-available">120</)
    assert.notInclude(fragment.text(), '<html')
    assert.include(fragment.text(), 'points-adjust-form')

    const noReason = await client
      .post(`/members/${memberId}/points/adjust`)
      .loginAs(crm)
      .withCsrfToken()
      .header('referer', `/members/${memberId}`)
      .form({ points: '10', reason: '', idempotencyKey: 'abcdefgh-1' })
      .redirects(0)
    noReason.assertStatus(302)
    assert.equal(await postingCount(), 1)

    for (let i = 0; i < 2; i++) {
      await client
        .post(`/members/${memberId}/points/adjust`)
        .loginAs(crm)
        .withCsrfToken()
        .form({ points: '-20', reason: '客诉补偿冲正', idempotencyKey: 'abcdefgh-2' })
        .redirects(0)
    }
    const account = await new PointsLedger().account(ref)
    assert.equal(account.balance, 100)
    assert.equal(await postingCount(), 2)
    const audit = await AuditEvent.query().where('action', 'loyalty.points.adjust')
    assert.lengthOf(audit, 1)

    const service = await createStaff('service')
    const refused = await client
      .post(`/members/${memberId}/points/adjust`)
      .loginAs(service)
      .withCsrfToken()
      .form({ points: '1000', reason: 'x', idempotencyKey: 'abcdefgh-3' })
    refused.assertStatus(403)
    const view = await client
      .get(`/members/${memberId}/points`)
      .header('HX-Request', 'true')
      .loginAs(service)
    assert.notInclude(view.text(), 'points-adjust-form')
  })
})

test.group('Loyalty / API', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('ledger keyset pages; redeem is idempotent; overdrawing writes nothing', async ({
    client,
    assert,
  }) => {
    const { ref, memberId } = await seed()
    const ledger = new PointsLedger()
    for (let i = 1; i <= 3; i++) {
      await ledger.earn(ref, {
        points: 50,
        sourceType: 'order',
        sourceId: i,
        idempotencyKey: `order:${i}`,
      })
    }
    const crm = await createStaff('crm')
    const token = await tokenFor(crm)

    const page1 = await client
      .get(`/api/v1/members/${memberId}/points`)
      .qs({ limit: 2 })
      .bearerToken(token)
    page1.assertStatus(200)
    assert.lengthOf(page1.body().data, 2)
    assert.equal(page1.body().meta.available, 150)
    const page2 = await client
      .get(`/api/v1/members/${memberId}/points`)
      .qs({ limit: 2, cursor: page1.body().meta.next })
      .bearerToken(token)
    assert.lengthOf(page2.body().data, 1)
    assert.isNull(page2.body().meta.next)
    assert.equal(page2.body().data[0].source_id, '1')

    const redeem = () =>
      client
        .post(`/api/v1/members/${memberId}/points/redeem`)
        .bearerToken(token)
        .json({ points: 100, idempotency_key: 'pos-8841' })
    const first = await redeem()
    first.assertStatus(201)
    assert.equal(first.body().data.available, 50)
    const again = await redeem()
    again.assertStatus(200)
    assert.isTrue(again.body().data.posting.replayed)
    assert.equal(again.body().data.available, 50)

    const before = await postingCount()
    const tooMuch = await client
      .post(`/api/v1/members/${memberId}/points/redeem`)
      .bearerToken(token)
      .json({ points: 51, idempotency_key: 'pos-8842' })
    tooMuch.assertStatus(422)
    assert.equal(tooMuch.body().error.code, 'E_POINTS_INSUFFICIENT')
    for (const points of [-5, 1.5, 0]) {
      const bad = await client
        .post(`/api/v1/members/${memberId}/points/redeem`)
        .bearerToken(token)
        .json({ points, idempotency_key: `bad-${points}` })
      bad.assertStatus(422)
      // The translated message and field name, not VineJS's English default.
      const message = bad.body().error.details[0].message
      assert.match(message, points === 1.5 ? /^积分必须是整数/ : /^积分不能小于/)
    }
    assert.equal(await postingCount(), before)

    const adjust = await client
      .post(`/api/v1/members/${memberId}/points/adjust`)
      .bearerToken(token)
      .json({ points: 30, reason: '门店活动补录', idempotency_key: 'adj-1' })
    adjust.assertStatus(201)
    assert.equal(adjust.body().data.available, 80)
    const noReason = await client
      .post(`/api/v1/members/${memberId}/points/adjust`)
      .bearerToken(token)
      .json({ points: 30, idempotency_key: 'adj-2' })
    noReason.assertStatus(422)

    const unknown = await client.get('/api/v1/members/999999/points').bearerToken(token)
    unknown.assertStatus(404)

    const manager = await tokenFor(await createStaff('manager'))
    const readable = await client.get(`/api/v1/members/${memberId}/points`).bearerToken(manager)
    readable.assertStatus(200)
    const forbidden = await client
      .post(`/api/v1/members/${memberId}/points/redeem`)
      .bearerToken(manager)
      .json({ points: 1, idempotency_key: 'v-1' })
    forbidden.assertStatus(403)
  })
})

test.group('Loyalty / exports and reminders', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('the monthly flow exports as CSV (audit-logged); expiring points are listed through the API', async ({
    client,
    assert,
  }) => {
    const { ref, memberId } = await seed()
    const ledger = new PointsLedger()
    await ledger.earn(ref, {
      points: 70,
      sourceType: 'order',
      sourceId: 1,
      idempotencyKey: 'order:1',
      expiresAt: DateTime.utc().plus({ days: 10 }),
    })
    await ledger.earn(ref, {
      points: 30,
      sourceType: 'order',
      sourceId: 2,
      idempotencyKey: 'order:2',
      expiresAt: DateTime.utc().plus({ days: 90 }),
    })
    const crm = await createStaff('crm')
    const csv = await client.get('/loyalty/flow.csv').loginAs(crm)
    csv.assertStatus(200)
    assert.include(csv.header('content-type'), 'text/csv')
    const lines = csv.text().replace('\uFEFF', '').trim().split('\r\n')
    assert.equal(lines[0], '月份,发放,兑换,过期,退款冲回,人工调整')
    assert.equal(
      lines[1],
      `${DateTime.utc().setZone('Asia/Shanghai').toFormat('yyyy-MM')},100,0,0,0,0`
    )
    assert.lengthOf(await AuditEvent.query().where('action', 'loyalty.flow.export'), 1)

    const token = await tokenFor(crm)
    const soon = await client.get('/api/v1/points/expiring').qs({ days: 30 }).bearerToken(token)
    soon.assertStatus(200)
    assert.deepEqual(
      soon.body().data.map((r: any) => [r.member_id, r.points]),
      [[memberId, 70]]
    )
    const bad = await client.get('/api/v1/points/expiring').qs({ days: 0 }).bearerToken(token)
    bad.assertStatus(422)
  })
})
