import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import { unzipSync, strFromU8 } from 'fflate'
import { DateTime } from 'luxon'
import { Phone } from '#app/shared/kernel/phone'
import AuditEvent from '#app/shared/audit/models/audit_event'
import Member from '#app/members/models/member'
import { ResolveMember } from '#app/members/actions/resolve_member'
import { ManageConsent } from '#app/members/actions/manage_consent'
import { MayContact } from '#app/members/actions/do_not_contact'
import { MemberPersonalData } from '#app/members/actions/member_personal_data'
import { UpsertOrder } from '#app/commerce/actions/upsert_order'
import { MemberAttributes } from '#app/members/actions/member_attributes'
import { StaticSegments } from '#app/members/actions/static_segments'
import { PointsLedger } from '#app/loyalty/services/points_ledger'
import { ManageBenefits } from '#app/benefits/actions/manage_benefits'
import Message from '#app/plugins/models/message'
import { createStaff } from '#tests/support/staff'
import { createCompanyWithShops } from '#tests/functional/members/fixtures'

async function seedMember() {
  const shops = await createCompanyWithShops()
  const resolved = await new ResolveMember().handle({
    companyId: shops.company.id,
    identities: [
      { type: 'phone', value: '13800138000' },
      { type: 'taobao_nick', value: 'tb_小芳' },
    ],
    profile: { name: '李小芳', province: '浙江省', city: '杭州市' },
  })
  await new UpsertOrder().handle({
    companyId: shops.company.id,
    shopId: shops.jd.id,
    platformOrderNo: 'JD-PRIV-1',
    memberId: resolved.memberId,
    status: 'completed',
    orderedAt: DateTime.fromISO('2024-04-01T10:00:00+08:00'),
    goodsFen: 29900,
    paidFen: 29900,
    items: [
      { skuCode: 'QZ-P-003', title: '休闲长裤', category: '裤装', quantity: 1, priceFen: 29900 },
    ],
  })
  const member = await Member.findOrFail(resolved.memberId)
  return { ...shops, member }
}

test.group('Members / consent, do-not-contact and personal-data rights', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('marketing needs consent per channel; recording the same state twice is one event', async ({
    assert,
  }) => {
    const { company, member } = await seedMember()
    const may = new MayContact()
    const ask = (channel: 'sms' | 'wechat', category: 'marketing' | 'notification' = 'marketing') =>
      may.check({ companyId: company.id, memberId: member.id, channel, category })

    assert.deepEqual(await ask('sms'), { allowed: false, reason: 'no_consent' })
    assert.deepEqual(await ask('sms', 'notification'), { allowed: true, reason: null })

    const consent = new ManageConsent()
    assert.isTrue(await consent.record(member, { channel: 'sms', granted: true, source: 'store' }))
    assert.isFalse(await consent.record(member, { channel: 'sms', granted: true, source: 'store' }))
    assert.deepEqual(await ask('sms'), { allowed: true, reason: null })
    assert.deepEqual(await ask('wechat'), { allowed: false, reason: 'no_consent' })

    const events = await db.from('member_consent_events').where('member_id', member.id)
    assert.lengthOf(events, 1)
  })

  test('one-click withdrawal from the member page withdraws every channel and blocks the phone', async ({
    client,
    assert,
  }) => {
    const { company, member } = await seedMember()
    await new ManageConsent().record(member, { channel: 'sms', granted: true, source: 'store' })
    const crm = await createStaff('crm')

    const response = await client
      .post(`/members/${member.id}/consents/withdraw-all`)
      .loginAs(crm)
      .withCsrfToken()
      .redirects(0)
    response.assertStatus(302)

    const state = await new ManageConsent().current(member.id)
    assert.isFalse(state.sms!.granted)
    assert.isFalse(state.wechat!.granted)
    assert.isFalse(state.email!.granted)
    const verdict = await new MayContact().check({
      companyId: company.id,
      phone: Phone.parse('138 0013 8000'),
      channel: 'sms',
      category: 'notification',
    })
    assert.deepEqual(verdict, { allowed: false, reason: 'do_not_contact' })

    const page = await client.get(`/members/${member.id}`).loginAs(crm)
    page.assertTextIncludes('data-testid="member-dnc"')
    const audit = await AuditEvent.query()
      .where('entity_type', 'member')
      .where('action', 'consent_withdrawn')
    // Every channel now has an explicit withdrawal on record (with its source), each audit-logged.
    assert.lengthOf(audit, 3)
  })

  test('the do-not-contact list covers non-members, stores no numbers and refuses bad input', async ({
    client,
    assert,
  }) => {
    const { company } = await seedMember()
    const crm = await createStaff('crm')

    const bad = await client
      .post('/members/do-not-contact')
      .loginAs(crm)
      .withCsrfToken()
      .form({ phone: '12345', channel: 'all' })
      .redirects(0)
    bad.assertStatus(302)
    assert.equal((bad.flashMessage('inputErrorsBag') as any).phone[0], '请输入有效的中国大陆手机号')

    await client
      .post('/members/do-not-contact')
      .loginAs(crm)
      .withCsrfToken()
      .form({ phone: '+86 139-0000-1111', channel: 'sms', reason: '投诉' })
    const rows = await db.from('do_not_contact').where('company_id', company.id)
    assert.lengthOf(rows, 1)
    assert.notInclude(JSON.stringify(rows), '13900001111')
    assert.equal(rows[0].phone_hash, Phone.parse('13900001111').blindIndex)

    const page = await client.get('/members/do-not-contact').loginAs(crm)
    page.assertTextIncludes('非会员')
    assert.notInclude(page.text(), '13900001111')

    const verdict = await new MayContact().check({
      companyId: company.id,
      phone: Phone.parse('13900001111'),
      channel: 'sms',
      category: 'otp',
    })
    assert.isFalse(verdict.allowed)
    const wechat = await new MayContact().check({
      companyId: company.id,
      phone: Phone.parse('13900001111'),
      channel: 'wechat',
      category: 'otp',
    })
    assert.isTrue(wechat.allowed)

    // Only members.privacy removes entries.
    const removed = await client
      .post(`/members/do-not-contact/${rows[0].id}/remove`)
      .loginAs(crm)
      .withCsrfToken()
    removed.assertStatus(403)
  })

  test('data-subject export: everything held, as JSON in a ZIP, audit-logged', async ({
    client,
    assert,
  }) => {
    const { member } = await seedMember()
    const admin = await createStaff('admin')
    const response = await client.get(`/members/${member.id}/personal-data`).loginAs(admin)
    response.assertStatus(200)
    response.assertHeader('content-type', 'application/zip')
    response.assertHeader(
      'content-disposition',
      `attachment; filename="member-${member.id}-data.zip"`
    )

    const { zip } = await new MemberPersonalData().export(member.companyId, member.id, admin)
    const files = unzipSync(zip)
    const data = JSON.parse(strFromU8(files['member.json']))
    assert.equal(data.format, 'quanzi.member-data/v1')
    assert.equal(data.profile.phone, '13800138000')
    assert.equal(data.profile.name, '李小芳')
    assert.deepInclude(data.identities, {
      type: 'taobao_nick',
      value: 'tb_小芳',
      source: data.identities[1].source,
      since: data.identities[1].since,
    })
    assert.lengthOf(data.orders, 1)
    assert.equal(data.orders[0].paidFen, 29900)
    const exports = await AuditEvent.query()
      .where('action', 'personal_data_export')
      .where('entity_id', String(member.id))
    assert.lengthOf(exports, 2)

    const crm = await createStaff('crm')
    const denied = await client.get(`/members/${member.id}/personal-data`).loginAs(crm)
    denied.assertStatus(403)
  })

  test('erasure anonymises the profile and identities, keeps order totals, needs the id typed', async ({
    client,
    assert,
  }) => {
    const { company, member } = await seedMember()
    const admin = await createStaff('admin')

    const wrong = await client
      .post(`/members/${member.id}/erase`)
      .loginAs(admin)
      .withCsrfToken()
      .form({ confirmId: member.id + 1 })
      .redirects(0)
    wrong.assertStatus(302)
    await member.refresh()
    assert.isNull(member.erasedAt)

    const ok = await client
      .post(`/members/${member.id}/erase`)
      .loginAs(admin)
      .withCsrfToken()
      .form({ confirmId: member.id })
      .redirects(0)
    ok.assertStatus(302)
    await member.refresh()
    assert.isNotNull(member.erasedAt)
    assert.isNull(member.name)
    assert.isNull(member.phoneEncrypted)
    assert.isNull(member.phoneHash)
    assert.isNull(member.city)
    assert.equal(member.orderCount, 1)
    assert.equal(member.spentFen, 29900)
    assert.lengthOf(await db.from('member_identities').where('member_id', member.id), 0)
    assert.lengthOf(await db.from('orders').where('member_id', member.id), 1)

    const verdict = await new MayContact().check({
      companyId: company.id,
      memberId: member.id,
      channel: 'sms',
      category: 'marketing',
    })
    assert.deepEqual(verdict, { allowed: false, reason: 'erased' })
    await AuditEvent.query()
      .where('action', 'erase')
      .where('entity_id', String(member.id))
      .firstOrFail()

    // The same customer buying again is a new, unrelated member.
    const again = await new ResolveMember().handle({
      companyId: company.id,
      identities: [{ type: 'phone', value: '13800138000' }],
    })
    assert.notEqual(again.memberId, member.id)
  })

  test('what other modules hold is exported too, and erasure takes the personal parts of it', async ({
    assert,
  }) => {
    const { company, member } = await seedMember()
    const admin = await createStaff('admin')
    const attributes = new MemberAttributes()
    const size = await attributes.define(company.id, { label: '尺码', type: 'text' }, admin)
    await attributes.set(company.id, member.id, { [size]: 'M' }, admin)
    await new StaticSegments().create(
      company.id,
      '杭州老客',
      { city: '杭州市' },
      'Asia/Shanghai',
      admin
    )
    await new PointsLedger().earn(
      { companyId: company.id, memberId: member.id },
      { points: 120, sourceType: 'campaign', idempotencyKey: 'privacy-earn', reason: '活动赠送' }
    )
    const benefits = new ManageBenefits()
    const shipping = await benefits.create(
      company.id,
      { name: '包邮', kind: 'free_shipping', period: 'month' },
      admin
    )
    await benefits.grantToMember(
      shipping,
      member.id,
      { validUntil: DateTime.utc().plus({ months: 3 }), reason: '客诉补偿' },
      admin
    )
    await Message.create({
      companyId: company.id,
      direction: 'out',
      channel: 'sms',
      provider: 'fake-sms',
      category: 'marketing',
      memberId: member.id,
      phoneHash: member.phoneHash,
      phoneEncrypted: member.phoneEncrypted,
      templateCode: 'SMS_SPRING',
      templateParams: { name: '李小芳' },
      body: '李小芳您好，春季上新',
      status: 'sent',
      attempts: 1,
    })

    const { zip } = await new MemberPersonalData().export(company.id, member.id, admin)
    const data = JSON.parse(strFromU8(unzipSync(zip)['member.json']))
    assert.deepEqual(data.attributes, [{ label: '尺码', value: 'M' }])
    assert.deepEqual(data.staticSegments, ['杭州老客'])
    assert.equal(data.points.balance, 120)
    assert.deepInclude(data.points.postings[0], { amount: 120, reason: '活动赠送' })
    assert.deepInclude(data.benefits.granted[0], { benefit: '包邮', reason: '客诉补偿' })
    assert.deepInclude(data.messages[0], {
      channel: 'sms',
      body: '李小芳您好，春季上新',
      params: { name: '李小芳' },
    })
    assert.deepInclude(data.figures, { orderCount: 1, spentFen: 29900 })

    await new MemberPersonalData().erase(company.id, member.id, admin)
    assert.lengthOf(await db.from('member_attribute_values').where('member_id', member.id), 0)
    assert.lengthOf(await db.from('member_segment_members').where('member_id', member.id), 0)
    const segment = await db.from('member_segments').where('name', '杭州老客').firstOrFail()
    assert.equal(Number(segment.member_count), 0)
    const message = await db.from('messages').where('member_id', member.id).firstOrFail()
    assert.deepInclude(message, {
      phone_hash: null,
      phone_encrypted: null,
      body: null,
      template_params: null,
    })
    assert.equal(message.status, 'sent')
    // The ledger stays: points are the company's liability, not personal data.
    const again = await new MemberPersonalData().export(company.id, member.id, admin)
    const after = JSON.parse(strFromU8(unzipSync(again.zip)['member.json']))
    assert.equal(after.points.balance, 120)
    assert.deepEqual(after.attributes, [])
  })
})
