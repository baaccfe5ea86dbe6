import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import type User from '#app/identity/models/user'
import AuditEvent from '#app/shared/audit/models/audit_event'
import { ManageAccessTokens } from '#app/identity/actions/manage_access_tokens'
import Member from '#app/members/models/member'
import MemberTag from '#app/members/models/member_tag'
import { ResolveMember } from '#app/members/actions/resolve_member'
import { MergeMembers } from '#app/members/actions/merge_members'
import { memberSummaries } from '#app/members/api/member_summaries'
import { MemberAttributes } from '#app/members/actions/member_attributes'
import { createStaff } from '#tests/support/staff'
import { countRows, createCompanyWithShops } from '#tests/functional/members/fixtures'

async function tokenFor(user: User) {
  return new ManageAccessTokens().create(user, { name: 'erp' }, null)
}

async function memberWith(companyId: number, phone: string, extra: { nick?: string } = {}) {
  const identities = [{ type: 'phone' as const, value: phone }]
  if (extra.nick) identities.push({ type: 'taobao_nick' as any, value: extra.nick })
  const { memberId } = await new ResolveMember().handle({
    companyId,
    identities,
    profile: { name: '张三', city: '杭州' },
  })
  return Member.findOrFail(memberId)
}

test.group('API / members', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('lookup by phone (any spelling) or by identity; phone masked without unmask', async ({
    client,
    assert,
  }) => {
    const { company } = await createCompanyWithShops()
    const member = await memberWith(company.id, '13800138000', { nick: 'tb_zhang' })
    const manager = await createStaff('manager')
    const secret = await tokenFor(manager)

    const byPhone = await client
      .get('/api/v1/members')
      .qs({ phone: '+86 138-0013-8000' })
      .bearerToken(secret)
    byPhone.assertStatus(200)
    assert.lengthOf(byPhone.body().data, 1)
    const row = byPhone.body().data[0]
    assert.equal(row.id, member.id)
    assert.equal(row.phone, '138****8000')
    assert.equal(row.city, '杭州')
    assert.deepEqual(row.identities, [{ type: 'taobao_nick', value: 'tb_zhang' }])
    assert.notProperty(row, 'phoneEncrypted')
    assert.notProperty(row, 'phoneHash')

    const byNick = await client
      .get('/api/v1/members')
      .qs({ identity_type: 'taobao_nick', identity_value: 'tb_zhang' })
      .bearerToken(secret)
    assert.equal(byNick.body().data[0].id, member.id)

    const none = await client
      .get('/api/v1/members')
      .qs({ phone: '13900000000' })
      .bearerToken(secret)
    none.assertStatus(200)
    assert.deepEqual(none.body().data, [])

    const missing = await client.get('/api/v1/members').bearerToken(secret)
    missing.assertStatus(422)
    assert.equal(missing.body().error.code, 'E_VALIDATION_ERROR')

    const crm = await createStaff('crm')
    const full = await client.get(`/api/v1/members/${member.id}`).bearerToken(await tokenFor(crm))
    full.assertStatus(200)
    assert.equal(full.body().data.phone, '13800138000')
  })

  test('a merged member answers with its survivor; writes on it are refused with 409', async ({
    client,
    assert,
  }) => {
    const { company } = await createCompanyWithShops()
    const target = await memberWith(company.id, '13800138001')
    const source = await memberWith(company.id, '13800138002')
    const admin = await createStaff('admin')
    await new MergeMembers().handle(company.id, source.id, target.id, admin)
    const secret = await tokenFor(admin)

    const shown = await client.get(`/api/v1/members/${source.id}`).bearerToken(secret)
    assert.equal(shown.body().data.id, target.id)
    const looked = await client
      .get('/api/v1/members')
      .qs({ phone: '13800138002' })
      .bearerToken(secret)
    assert.equal(looked.body().data[0].id, target.id)

    const patch = await client
      .patch(`/api/v1/members/${source.id}`)
      .json({ name: '李四' })
      .bearerToken(secret)
    patch.assertStatus(409)
    assert.equal(patch.body().error.code, 'E_MEMBER_MERGED')
  })

  test('create is OneID find-or-create: 201 once, then 200 for the same phone', async ({
    client,
    assert,
  }) => {
    const { company } = await createCompanyWithShops()
    const crm = await createStaff('crm')
    const secret = await tokenFor(crm)
    const body = {
      phone: '13800138003',
      identities: [{ type: 'jd_pin', value: 'jd_wang' }],
      name: '王五',
      gender: 'female',
      birthday: '1990-03-05',
      city: '上海',
      notes: '门店导购推荐',
    }
    const first = await client.post('/api/v1/members').json(body).bearerToken(secret)
    first.assertStatus(201)
    assert.equal(first.body().meta.outcome, 'created')
    assert.equal(first.body().data.birthday, '1990-03-05')
    assert.equal(first.body().data.notes, '门店导购推荐')
    assert.equal(first.body().data.gender, 'female')

    const again = await client.post('/api/v1/members').json(body).bearerToken(secret)
    again.assertStatus(200)
    assert.equal(again.body().meta.outcome, 'unchanged')
    assert.equal(again.body().data.id, first.body().data.id)
    assert.equal(await countRows('members'), 1)

    const created = await AuditEvent.query().where('action', 'members.created')
    assert.lengthOf(created, 1)
    assert.equal(created[0].actorId, crm.id)

    const none = await client.post('/api/v1/members').json({ name: 'x' }).bearerToken(secret)
    none.assertStatus(422)
    assert.equal(none.body().error.code, 'E_NO_IDENTITY')

    const stored = await Member.firstOrFail()
    assert.equal(stored.companyId, company.id)
  })

  test('PATCH overwrites the given fields, clears nulls, moves the phone, audits before/after', async ({
    client,
    assert,
  }) => {
    const { company } = await createCompanyWithShops()
    const member = await memberWith(company.id, '13800138004')
    const other = await memberWith(company.id, '13800138005')
    const crm = await createStaff('crm')
    const secret = await tokenFor(crm)

    const response = await client
      .patch(`/api/v1/members/${member.id}`)
      .json({ name: '张三丰', city: null, notes: 'VIP', phone: '13800138006' })
      .bearerToken(secret)
    response.assertStatus(200)
    assert.equal(response.body().data.name, '张三丰')
    assert.isNull(response.body().data.city)
    assert.equal(response.body().data.phone, '13800138006')
    assert.sameMembers(response.body().meta.changed, ['name', 'city', 'notes', 'phone'])

    // The old phone no longer finds the member, the new one does.
    const old = await client.get('/api/v1/members').qs({ phone: '13800138004' }).bearerToken(secret)
    assert.deepEqual(old.body().data, [])
    const found = await client
      .get('/api/v1/members')
      .qs({ phone: '13800138006' })
      .bearerToken(secret)
    assert.equal(found.body().data[0].id, member.id)

    const event = await AuditEvent.query()
      .where({ action: 'members.profile_updated', entityId: String(member.id) })
      .firstOrFail()
    assert.equal(event.actorId, crm.id)
    assert.notInclude(JSON.stringify(event.changes), '13800138006')

    const same = await client
      .patch(`/api/v1/members/${member.id}`)
      .json({ name: '张三丰' })
      .bearerToken(secret)
    assert.deepEqual(same.body().meta.changed, [])
    assert.lengthOf(await AuditEvent.query().where('action', 'members.profile_updated'), 1)

    const taken = await client
      .patch(`/api/v1/members/${member.id}`)
      .json({ phone: '13800138005' })
      .bearerToken(secret)
    taken.assertStatus(422)
    assert.equal(taken.body().error.code, 'E_PHONE_TAKEN')
    const untouched = await Member.findOrFail(other.id)
    assert.equal(untouched.phone!.digits, '13800138005')
  })

  test('PATCH sets custom attributes by name; an unknown name or a bad value changes nothing', async ({
    client,
    assert,
  }) => {
    const { company } = await createCompanyWithShops()
    const member = await memberWith(company.id, '13800138009')
    const attributes = new MemberAttributes()
    await attributes.define(company.id, { label: '尺码', type: 'enum', options: ['S', 'M'] }, null)
    await attributes.define(company.id, { label: '储值余额', type: 'number' }, null)
    const crm = await createStaff('crm')
    const secret = await tokenFor(crm)

    const set = await client
      .patch(`/api/v1/members/${member.id}`)
      .json({ name: '钱七', attributes: { 尺码: 'M', 储值余额: '120.5' } })
      .bearerToken(secret)
    set.assertStatus(200)
    assert.deepInclude(set.body().data.attributes, { 尺码: 'M', 储值余额: '120.5' })
    assert.sameMembers(set.body().meta.changedAttributes, ['尺码', '储值余额'])

    for (const bad of [{ 鞋码: '42' }, { 尺码: 'XL' }]) {
      const refused = await client
        .patch(`/api/v1/members/${member.id}`)
        .json({ name: '钱八', attributes: bad })
        .bearerToken(secret)
      refused.assertStatus(422)
    }
    const unknown = await client
      .patch(`/api/v1/members/${member.id}`)
      .header('Accept-Language', 'zh-CN')
      .json({ attributes: { 鞋码: '42' } })
      .bearerToken(secret)
    assert.equal(unknown.body().error.code, 'E_ATTRIBUTE_UNKNOWN')
    assert.include(unknown.body().error.message, '鞋码')
    const stored = await Member.findOrFail(member.id)
    assert.equal(stored.name, '钱七')
    const cleared = await client
      .patch(`/api/v1/members/${member.id}`)
      .json({ attributes: { 储值余额: null } })
      .bearerToken(secret)
    assert.deepEqual(cleared.body().data.attributes, { 尺码: 'M' })
  })

  test('tags add/remove are idempotent and audited once; consent via api', async ({
    client,
    assert,
  }) => {
    const { company } = await createCompanyWithShops()
    const member = await memberWith(company.id, '13800138007')
    const tag = await MemberTag.create({ companyId: company.id, name: '高潜', groupId: null })
    const crm = await createStaff('crm')
    const secret = await tokenFor(crm)

    const add = await client
      .post(`/api/v1/members/${member.id}/tags`)
      .json({ tagName: '高潜' })
      .bearerToken(secret)
    add.assertStatus(200)
    assert.isTrue(add.body().data.added)
    const again = await client
      .post(`/api/v1/members/${member.id}/tags`)
      .json({ tagId: tag.id })
      .bearerToken(secret)
    assert.isFalse(again.body().data.added)
    assert.lengthOf(await AuditEvent.query().where('action', 'members.tag_added'), 1)

    const unknown = await client
      .post(`/api/v1/members/${member.id}/tags`)
      .json({ tagName: '不存在' })
      .bearerToken(secret)
    unknown.assertStatus(422)
    assert.equal(unknown.body().error.code, 'E_TAG_NOT_FOUND')

    const removed = await client
      .delete(`/api/v1/members/${member.id}/tags/${tag.id}`)
      .bearerToken(secret)
    assert.isTrue(removed.body().data.removed)
    const removedAgain = await client
      .delete(`/api/v1/members/${member.id}/tags/${tag.id}`)
      .bearerToken(secret)
    assert.isFalse(removedAgain.body().data.removed)
    assert.lengthOf(await AuditEvent.query().where('action', 'members.tag_removed'), 1)

    const consent = await client
      .put(`/api/v1/members/${member.id}/consents/sms`)
      .json({ granted: true })
      .bearerToken(secret)
    consent.assertStatus(200)
    assert.isTrue(consent.body().data.changed)
    const same = await client
      .put(`/api/v1/members/${member.id}/consents/sms`)
      .json({ granted: true })
      .bearerToken(secret)
    assert.isFalse(same.body().data.changed)
    const row = await db.from('member_consent_events').where('member_id', member.id)
    assert.lengthOf(row, 1)
    assert.equal(row[0].source, 'api')
    const shown = await client.get(`/api/v1/members/${member.id}`).bearerToken(secret)
    assert.deepEqual(shown.body().data.consents.sms, { granted: true, source: 'api' })

    const badChannel = await client
      .put(`/api/v1/members/${member.id}/consents/fax`)
      .json({ granted: true })
      .bearerToken(secret)
    badChannel.assertStatus(422)
  })

  test('other modules add fields through memberSummaries (the loyalty seam); a failing one is left out', async ({
    client,
    assert,
  }) => {
    const { company } = await createCompanyWithShops()
    const member = await memberWith(company.id, '13800138008')
    const secret = await tokenFor(await createStaff('crm'))
    memberSummaries.register('test-loyalty', async (m) => ({ points: m.id * 10, tier: 'gold' }))
    memberSummaries.register('test-broken', async () => {
      throw new Error('down')
    })
    try {
      const response = await client.get(`/api/v1/members/${member.id}`).bearerToken(secret)
      response.assertStatus(200)
      assert.equal(response.body().data.points, member.id * 10)
      assert.equal(response.body().data.tier, 'gold')
    } finally {
      memberSummaries.unregister('test-loyalty')
      memberSummaries.unregister('test-broken')
    }
  })
})
