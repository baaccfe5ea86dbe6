import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import AuditEvent from '#app/shared/audit/models/audit_event'
import { ManageAccessTokens } from '#app/identity/actions/manage_access_tokens'
import Benefit from '#app/benefits/models/benefit'
import { ClaimBenefit, periodKey } from '#app/benefits/actions/claim_benefit'
import { ManageBenefits } from '#app/benefits/actions/manage_benefits'
import { Tiers } from '#app/loyalty/services/tiers'
import { MergeMembers, UndoMerge } from '#app/members/actions/merge_members'
import { createStaff } from '#tests/support/staff'
import { createMembers } from '#tests/functional/loyalty/fixtures'
import { countRows } from '#tests/functional/members/fixtures'
import { toDbTime } from '#app/shared/kernel/db_values'

/** A company with two members, a gold tier holding member 0, and "2 free shippings a month" granted to gold. */
async function setup() {
  const { company, refs } = await createMembers(2)
  const admin = await createStaff('admin')
  const stamp = DateTime.utc().toFormat('yyyy-MM-dd HH:mm:ss')
  const tierId = await new Tiers().create(
    company.id,
    { name: '金卡', color: '#d4a017', threshold: 300000 },
    null
  )
  await db.table('member_tiers').insert({
    company_id: company.id,
    member_id: refs[0].memberId,
    tier_id: tierId,
    manual: false,
    updated_at: stamp,
  })
  const manage = new ManageBenefits()
  const shipping = await manage.create(
    company.id,
    { name: '每月包邮', kind: 'free_shipping', quota: 2, period: 'month' },
    admin
  )
  await manage.grantToTier(shipping, tierId, admin)
  return { company, refs, admin, tierId, shipping, manage }
}

function claim(companyId: number, memberId: number, benefitId: number, key: string, at?: DateTime) {
  return new ClaimBenefit().handle({
    companyId,
    memberId,
    benefitId,
    idempotencyKey: key,
    channel: 'ui',
    actor: null,
    at,
  })
}

test.group('Benefits / claims', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a tier member uses free shipping twice a month; the third is refused, the next month starts again', async ({
    assert,
  }) => {
    const { company, refs, shipping } = await setup()
    const december = DateTime.fromISO('2026-12-15T10:00:00', { zone: 'Asia/Shanghai' })
    const first = await claim(company.id, refs[0].memberId, shipping.id, 'k1', december)
    assert.equal(first.left, 1)
    await claim(company.id, refs[0].memberId, shipping.id, 'k2', december)
    await assert.rejects(
      () => claim(company.id, refs[0].memberId, shipping.id, 'k3', december),
      'benefits.errors.over_quota'
    )
    assert.equal(await countRows('benefit_claims'), 2)

    // 1 January 00:30 in Shanghai is still 31 December in UTC: the company's calendar decides.
    const newYear = DateTime.fromISO('2027-01-01T00:30:00', { zone: 'Asia/Shanghai' })
    assert.equal(periodKey('month', newYear), '2027-01')
    await claim(company.id, refs[0].memberId, shipping.id, 'k4', newYear)
    assert.equal(await countRows('benefit_claims'), 3)
  })

  test("a merge brings the duplicate's grant, claims and uses to the member that stays; undo takes them back", async ({
    assert,
  }) => {
    const { company, refs, shipping, manage, admin } = await setup()
    const [gold, duplicate] = refs.map((ref) => ref.memberId)
    const december = DateTime.fromISO('2026-12-15T10:00:00', { zone: 'Asia/Shanghai' })
    const personal = await manage.grantToMember(
      shipping,
      duplicate,
      { validUntil: DateTime.utc().plus({ years: 2 }), reason: '客诉补偿' },
      admin
    )
    await claim(company.id, duplicate, shipping.id, 'dup-1', december)
    await claim(company.id, gold, shipping.id, 'gold-1', december)

    const merge = await new MergeMembers().handle(company.id, duplicate, gold, admin)
    // One person, two uses this month of a quota of two: a third is refused.
    await assert.rejects(
      () => claim(company.id, gold, shipping.id, 'gold-2', december),
      'benefits.errors.over_quota'
    )
    const grant = await db.from('benefit_grants').where('id', personal.id).first()
    assert.equal(grant.member_id, gold)
    assert.lengthOf(await db.from('benefit_claims').where('member_id', gold), 2)

    await new UndoMerge().handle(company.id, merge.id, admin)
    const usage = await db
      .from('benefit_usage')
      .where({ member_id: gold, benefit_id: shipping.id, period_key: '2026-12' })
      .first()
    assert.equal(Number(usage.used), 1)
    assert.lengthOf(await db.from('benefit_claims').where('member_id', duplicate), 1)
    const back = await db.from('benefit_grants').where('id', personal.id).first()
    assert.equal(back.member_id, duplicate)
  })

  test('the same claim sent twice counts once; a member without the tier is refused', async ({
    assert,
  }) => {
    const { company, refs, shipping } = await setup()
    const a = await claim(company.id, refs[0].memberId, shipping.id, 'same-key')
    const b = await claim(company.id, refs[0].memberId, shipping.id, 'same-key')
    assert.equal(a.claimId, b.claimId)
    const usage = await db.from('benefit_usage').where('member_id', refs[0].memberId).first()
    assert.equal(Number(usage.used), 1)

    await assert.rejects(
      () => claim(company.id, refs[1].memberId, shipping.id, 'other'),
      'benefits.errors.not_granted'
    )
    await assert.rejects(
      () => claim(company.id, refs[0].memberId, 999999, 'nope'),
      'benefits.errors.not_found'
    )
  })

  test('claims racing for the last use: exactly one wins', async ({ assert }) => {
    const { company, refs, shipping } = await setup()
    await claim(company.id, refs[0].memberId, shipping.id, 'first')
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) =>
        claim(company.id, refs[0].memberId, shipping.id, `race-${i}`)
      )
    )
    assert.lengthOf(
      results.filter((r) => r.status === 'fulfilled'),
      1
    )
    assert.equal(await countRows('benefit_claims'), 2)
  })

  test('a benefit granted by hand works until its end date, then is refused as expired', async ({
    assert,
  }) => {
    const { company, refs, admin, manage } = await setup()
    const gift = await manage.create(
      company.id,
      { name: '生日礼', kind: 'birthday_gift', quota: 1, period: 'once' },
      admin
    )
    const until = DateTime.utc().plus({ days: 10 })
    await manage.grantToMember(
      gift,
      refs[1].memberId,
      { validUntil: until, reason: '客诉补偿' },
      admin
    )
    await claim(company.id, refs[1].memberId, gift.id, 'gift-1')
    await assert.rejects(
      () => claim(company.id, refs[1].memberId, gift.id, 'gift-2'),
      'benefits.errors.over_quota'
    )

    const gift2 = await manage.create(
      company.id,
      { name: '优先客服', kind: 'priority_service', period: 'month' },
      admin
    )
    await manage.grantToMember(gift2, refs[1].memberId, { validUntil: until, reason: 'VIP' }, admin)
    await assert.rejects(
      () => claim(company.id, refs[1].memberId, gift2.id, 'late', until.plus({ days: 1 })),
      'benefits.errors.expired'
    )
    const audit = await AuditEvent.query().where('action', 'benefit_grant').firstOrFail()
    assert.equal(audit.entityId, String(refs[1].memberId))
  })
})

test.group('Benefits / pages and API', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('the catalogue page shows usage; the member section claims once per submit', async ({
    client,
    assert,
  }) => {
    const { refs, shipping } = await setup()
    const crm = await createStaff('crm')
    const page = await client.get('/benefits').loginAs(crm)
    page.assertStatus(200)
    page.assertTextIncludes('每月包邮')

    const section = await client
      .get(`/members/${refs[0].memberId}/benefits`)
      .header('HX-Request', 'true')
      .loginAs(crm)
    section.assertTextIncludes('本期剩余 2/2')

    const form = { benefitId: String(shipping.id), idempotencyKey: 'form-key-123' }
    const first = await client
      .post(`/members/${refs[0].memberId}/benefits/claim`)
      .loginAs(crm)
      .withCsrfToken()
      .form(form)
      .redirects(0)
    first.assertStatus(302)
    const again = await client
      .post(`/members/${refs[0].memberId}/benefits/claim`)
      .loginAs(crm)
      .withCsrfToken()
      .form(form)
      .redirects(0)
    again.assertStatus(302)
    assert.equal(await countRows('benefit_claims'), 1)

    const viewer = await createStaff('viewer')
    const refused = await client
      .post(`/members/${refs[0].memberId}/benefits/claim`)
      .loginAs(viewer)
      .withCsrfToken()
      .form(form)
      .redirects(0)
    refused.assertStatus(403)
  })

  test('use by month: claims and members per benefit and month on the page and as an audited CSV', async ({
    client,
    assert,
  }) => {
    const { company, refs, admin, shipping, manage } = await setup()
    const zone = 'Asia/Shanghai'
    const thisMonth = DateTime.now().setZone(zone)
    const lastMonth = thisMonth.minus({ months: 1 }).set({ day: 10 })
    await claim(company.id, refs[0].memberId, shipping.id, 'm1')
    await claim(company.id, refs[0].memberId, shipping.id, 'm2')
    // One of them counted as last month's (the grant is too new to claim in the past).
    await db
      .from('benefit_claims')
      .where('idempotency_key', 'm2')
      .update({ claimed_at: toDbTime(lastMonth.toUTC()) })
    // A name a spreadsheet would run as a formula, with a comma in it.
    const odd = await manage.create(
      company.id,
      { name: '=礼品,限量', kind: 'custom', period: 'once' },
      admin
    )
    await manage.grantToMember(
      odd,
      refs[1].memberId,
      { validUntil: DateTime.utc().plus({ days: 5 }), reason: '活动' },
      admin
    )
    await claim(company.id, refs[1].memberId, odd.id, 'o1')

    const report = await manage.monthlyUsage(company.id, zone, 3)
    assert.deepEqual(report.months, [
      thisMonth.toFormat('yyyy-MM'),
      thisMonth.minus({ months: 1 }).toFormat('yyyy-MM'),
      thisMonth.minus({ months: 2 }).toFormat('yyyy-MM'),
    ])
    const byName = Object.fromEntries(report.rows.map((row) => [row.name, row.byMonth]))
    assert.deepEqual(byName['每月包邮'], [
      { claims: 1, members: 1 },
      { claims: 1, members: 1 },
      { claims: 0, members: 0 },
    ])
    assert.deepEqual(byName['=礼品,限量'][0], { claims: 1, members: 1 })

    const page = await client.get('/benefits').loginAs(admin)
    page.assertTextIncludes('按月使用')
    page.assertTextIncludes(thisMonth.toFormat('yyyy-MM'))

    const csv = await client.get('/benefits/usage.csv').loginAs(admin)
    csv.assertStatus(200)
    const lines = csv.text().replace('\uFEFF', '').trim().split('\r\n')
    assert.deepEqual(lines[0].split(','), ['月份', '权益', '核销次数', '人数'])
    assert.includeMembers(lines.slice(1), [
      `${thisMonth.toFormat('yyyy-MM')},每月包邮,1,1`,
      `${thisMonth.toFormat('yyyy-MM')},"'=礼品,限量",1,1`,
      `${thisMonth.minus({ months: 1 }).toFormat('yyyy-MM')},每月包邮,1,1`,
    ])
    assert.lengthOf(lines, 4)
    const audit = await AuditEvent.query().where('action', 'benefits.usage.export').firstOrFail()
    assert.equal(audit.context?.rows, 3)
  })

  test('the API lists what is left and claims with an idempotency key; over quota is a clear 409', async ({
    client,
    assert,
  }) => {
    const { refs, shipping } = await setup()
    const crm = await createStaff('crm')
    const token = await new ManageAccessTokens().create(crm, { name: 'desk' }, null)
    const list = await client.get(`/api/v1/members/${refs[0].memberId}/benefits`).bearerToken(token)
    list.assertStatus(200)
    assert.deepInclude(list.body().data[0], { name: '每月包邮', quota: 2, used: 0, left: 2 })

    for (const key of ['a-111111', 'b-222222']) {
      const response = await client
        .post(`/api/v1/members/${refs[0].memberId}/benefits/claims`)
        .bearerToken(token)
        .json({ benefitId: shipping.id, idempotencyKey: key })
      response.assertStatus(201)
    }
    const over = await client
      .post(`/api/v1/members/${refs[0].memberId}/benefits/claims`)
      .bearerToken(token)
      .json({ benefitId: shipping.id, idempotencyKey: 'c-333333' })
    over.assertStatus(409)
    assert.equal(over.body().error.code, 'E_BENEFIT_OVER_QUOTA')
    assert.equal(
      await Benefit.query()
        .count('* as n')
        .first()
        .then((r) => Number(r!.$extras.n)),
      1
    )
  })
})
