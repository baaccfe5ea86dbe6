import { test } from '@japa/runner'
import { thresholdTemplate } from '#tests/functional/coupons/fixtures'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import { Phone } from '#app/shared/kernel/phone'
import { ResolveMember } from '#app/members/actions/resolve_member'
import { MergeMembers, UndoMerge } from '#app/members/actions/merge_members'
import { MergeSuggestions } from '#app/members/actions/merge_suggestions'
import { UpsertOrder } from '#app/commerce/actions/upsert_order'
import Member from '#app/members/models/member'
import MemberIdentity from '#app/members/models/member_identity'
import MemberTag from '#app/members/models/member_tag'
import AuditEvent from '#app/shared/audit/models/audit_event'
import { ManageConsent } from '#app/members/actions/manage_consent'
import { MemberAttributes } from '#app/members/actions/member_attributes'
import { MayContact } from '#app/members/actions/do_not_contact'
import { issueCouponTo } from '#app/coupons/actions/issue_coupon'
import Message from '#app/plugins/models/message'
import { createStaff } from '#tests/support/staff'
import { createCompanyWithShops } from '#tests/functional/members/fixtures'

test.group('Members / OneID resolve', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a new phone creates a member; phones are stored as blind index only', async ({
    assert,
  }) => {
    const { company } = await createCompanyWithShops()
    const result = await new ResolveMember().handle({
      companyId: company.id,
      identities: [
        { type: 'phone', value: '+86 138 0013 8000' },
        { type: 'taobao_nick', value: 'tb_小芳' },
      ],
      profile: { name: '李小芳', gender: 'female', city: '杭州' },
    })
    assert.equal(result.outcome, 'created')
    const member = await Member.findOrFail(result.memberId)
    assert.equal(member.phone!.digits, '13800138000')
    assert.equal(member.displayPhone(false), '138****8000')
    const identities = await MemberIdentity.query().where('memberId', member.id).orderBy('type')
    const phone = identities.find((i) => i.type === 'phone')!
    assert.equal(phone.value, Phone.parse('13800138000').blindIndex)
    assert.notInclude(JSON.stringify(await db.from('member_identities')), '13800138000')
  })

  test('the same phone from another platform attaches to the same member', async ({ assert }) => {
    const { company } = await createCompanyWithShops()
    const tmall = await new ResolveMember().handle({
      companyId: company.id,
      identities: [
        { type: 'phone', value: '13800138000' },
        { type: 'taobao_nick', value: 'tb_小芳' },
      ],
    })
    const jd = await new ResolveMember().handle({
      companyId: company.id,
      identities: [
        { type: 'jd_pin', value: 'jd_xiaofang' },
        { type: 'phone', value: '１３８００１３８０００' },
      ],
      profile: { name: '李小芳' },
    })
    assert.equal(jd.memberId, tmall.memberId)
    assert.equal(jd.outcome, 'updated')
    const again = await new ResolveMember().handle({
      companyId: company.id,
      identities: [
        { type: 'jd_pin', value: 'jd_xiaofang' },
        { type: 'phone', value: '13800138000' },
      ],
      profile: { name: '李小芳' },
    })
    assert.equal(again.outcome, 'unchanged')
    assert.equal(
      await MemberIdentity.query()
        .where('memberId', tmall.memberId)
        .count('* as n')
        .then((r) => Number(r[0].$extras.n)),
      3
    )
  })

  test('same unionid means same member', async ({ assert }) => {
    const { company } = await createCompanyWithShops()
    const a = await new ResolveMember().handle({
      companyId: company.id,
      identities: [
        { type: 'wechat_unionid', value: 'oU_123' },
        { type: 'wechat_openid', value: 'oA_1' },
      ],
    })
    const b = await new ResolveMember().handle({
      companyId: company.id,
      identities: [
        { type: 'wechat_unionid', value: 'oU_123' },
        { type: 'wechat_openid', value: 'oB_2' },
      ],
    })
    assert.equal(a.memberId, b.memberId)
  })

  test('conflicting matches: the phone match wins and the other identity stays put', async ({
    assert,
  }) => {
    const { company } = await createCompanyWithShops()
    const byNick = await new ResolveMember().handle({
      companyId: company.id,
      identities: [{ type: 'taobao_nick', value: 'nick_a' }],
    })
    const byPhone = await new ResolveMember().handle({
      companyId: company.id,
      identities: [{ type: 'phone', value: '13900000001' }],
    })
    const result = await new ResolveMember().handle({
      companyId: company.id,
      identities: [
        { type: 'taobao_nick', value: 'nick_a' },
        { type: 'phone', value: '13900000001' },
      ],
    })
    assert.equal(result.memberId, byPhone.memberId)
    assert.deepEqual(result.conflicts, [{ type: 'taobao_nick', memberId: byNick.memberId }])
    const nick = await MemberIdentity.findByOrFail('value', 'nick_a')
    assert.equal(nick.memberId, byNick.memberId)
  })

  test('profile fields are filled, never overwritten', async ({ assert }) => {
    const { company } = await createCompanyWithShops()
    const first = await new ResolveMember().handle({
      companyId: company.id,
      identities: [{ type: 'phone', value: '13900000002' }],
      profile: { name: '张三', city: '杭州' },
    })
    await new ResolveMember().handle({
      companyId: company.id,
      identities: [{ type: 'phone', value: '13900000002' }],
      profile: {
        name: '张叁',
        city: '上海',
        province: '浙江',
        birthday: DateTime.fromISO('1990-05-01'),
      },
    })
    const member = await Member.findOrFail(first.memberId)
    assert.equal(member.name, '张三')
    assert.equal(member.city, '杭州')
    assert.equal(member.province, '浙江')
    assert.equal(member.birthday!.toISODate(), '1990-05-01')
  })

  test('an invalid phone is refused', async ({ assert }) => {
    const { company } = await createCompanyWithShops()
    await assert.rejects(() =>
      new ResolveMember().handle({
        companyId: company.id,
        identities: [{ type: 'phone', value: '12345' }],
      })
    )
  })
})

test.group('Members / merge', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  async function twoMembers() {
    const { company, tmall, jd } = await createCompanyWithShops()
    const resolve = new ResolveMember()
    const a = await resolve.handle({
      companyId: company.id,
      identities: [
        { type: 'phone', value: '13700000001' },
        { type: 'taobao_nick', value: 'a_nick' },
      ],
      profile: { name: '周敏', city: '杭州', birthday: DateTime.fromISO('1992-02-02') },
    })
    const b = await resolve.handle({
      companyId: company.id,
      identities: [{ type: 'jd_pin', value: 'b_pin' }],
      profile: { name: '周敏', city: '杭州', birthday: DateTime.fromISO('1992-02-02') },
    })
    const order = (no: string, shopId: number, memberId: number) =>
      new UpsertOrder().handle({
        companyId: company.id,
        shopId,
        platformOrderNo: no,
        memberId,
        status: 'completed',
        orderedAt: DateTime.utc().minus({ days: 3 }),
        completedAt: DateTime.utc(),
        goodsFen: 10000,
        paidFen: 10000,
        items: [{ skuCode: 'S1', title: '衬衫', quantity: 1, priceFen: 10000 }],
      })
    await order('A1', tmall.id, a.memberId)
    await order('B1', jd.id, b.memberId)
    await order('B2', jd.id, b.memberId)
    const vip = await MemberTag.create({ companyId: company.id, name: 'VIP' })
    await db
      .table('member_tag_assignments')
      .insert({ member_id: b.memberId, tag_id: vip.id, created_at: new Date() })
    return { company, a: a.memberId, b: b.memberId, vip }
  }

  test('suggestions list members with the same name, birthday and city', async ({ assert }) => {
    const { company, a, b } = await twoMembers()
    const suggestions = await new MergeSuggestions().list(company.id)
    assert.deepEqual(suggestions, [
      { name: '周敏', birthday: '1992-02-02', city: '杭州', memberIds: [a, b] },
    ])
  })

  test('merge moves orders, identities and tags; undo puts them back', async ({ assert }) => {
    const { company, a, b, vip } = await twoMembers()
    const admin = await createStaff('admin')
    const merge = await new MergeMembers().handle(company.id, b, a, admin)

    const target = await Member.findOrFail(a)
    assert.equal(target.orderCount, 3)
    assert.equal(target.spentFen, 30000)
    const found1 = await Member.findOrFail(b)
    assert.equal(found1.mergedIntoId, a)
    const found2 = await MemberIdentity.findByOrFail('value', 'b_pin')
    assert.equal(found2.memberId, a)
    await target.load('tags')
    assert.deepEqual(
      target.tags.map((t) => t.id),
      [vip.id]
    )
    assert.deepEqual(await new MergeSuggestions().list(company.id), [])
    const audit = await AuditEvent.query().where('action', 'members.merge').firstOrFail()
    assert.equal(audit.actorId, admin.id)

    // A later import of the merged member's identity lands on the survivor
    const resolved = await new ResolveMember().handle({
      companyId: company.id,
      identities: [{ type: 'jd_pin', value: 'b_pin' }],
    })
    assert.equal(resolved.memberId, a)

    await new UndoMerge().handle(company.id, merge.id, admin)
    const source = await Member.findOrFail(b)
    assert.isNull(source.mergedIntoId)
    assert.equal(source.orderCount, 2)
    const found3 = await Member.findOrFail(a)
    assert.equal(found3.orderCount, 1)
    const found4 = await MemberIdentity.findByOrFail('value', 'b_pin')
    assert.equal(found4.memberId, b)
    await target.load('tags')
    assert.lengthOf(target.tags, 0)
    assert.exists(await AuditEvent.query().where('action', 'members.merge_undone').first())
    await assert.rejects(() => new UndoMerge().handle(company.id, merge.id, admin))
  })

  test('consent follows the person: a withdrawal is never lost to a merge; undo takes back carried grants', async ({
    assert,
  }) => {
    const { company } = await createCompanyWithShops()
    const resolve = async (card: string) => {
      const { memberId } = await new ResolveMember().handle({
        companyId: company.id,
        identities: [{ type: 'store_card', value: card }],
      })
      return Member.findOrFail(memberId)
    }
    const source = await resolve('CONSENT-SRC')
    const target = await resolve('CONSENT-TGT')
    const consent = new ManageConsent()
    // The duplicate unsubscribed from SMS and opted in to WeChat; the member that
    // stays had opted in to SMS and e-mail.
    await consent.record(source, { channel: 'sms', granted: false, source: 'reply' })
    await consent.record(source, { channel: 'wechat', granted: true, source: 'store' })
    await consent.record(target, { channel: 'sms', granted: true, source: 'store' })
    await consent.record(target, { channel: 'email', granted: true, source: 'staff' })
    const admin = await createStaff('admin')

    const merge = await new MergeMembers().handle(company.id, source.id, target.id, admin)
    const state = async () => {
      const current = await consent.current(target.id)
      return {
        sms: current.sms?.granted ?? null,
        wechat: current.wechat?.granted ?? null,
        email: current.email?.granted ?? null,
      }
    }
    assert.deepEqual(await state(), { sms: false, wechat: true, email: true })
    const verdict = await new MayContact().check({
      companyId: company.id,
      memberId: target.id,
      channel: 'sms',
      category: 'marketing',
    })
    assert.isFalse(verdict.allowed)
    const events = await db
      .from('member_consent_events')
      .where({ member_id: target.id, source: 'merge' })
      .orderBy('id')
    assert.deepEqual(
      events.map((e: any) => [e.channel, Boolean(e.granted)]),
      [
        ['sms', false],
        ['wechat', true],
      ]
    )

    await new UndoMerge().handle(company.id, merge.id, admin)
    // The carried grant goes; the withdrawal stays (the person asked for it).
    assert.deepEqual(await state(), { sms: false, wechat: null, email: true })
  })

  test('the profile and custom attributes the target lacks come from the source; undo empties them unless edited', async ({
    assert,
  }) => {
    const { company } = await createCompanyWithShops()
    const resolve = new ResolveMember()
    const source = await resolve.handle({
      companyId: company.id,
      identities: [{ type: 'store_card', value: 'PROFILE-SRC' }],
      profile: {
        name: '周敏',
        gender: 'female',
        city: '杭州',
        birthday: DateTime.fromISO('1992-02-02'),
        email: 'min@example.com',
      },
    })
    const target = await resolve.handle({
      companyId: company.id,
      identities: [{ type: 'jd_pin', value: 'profile_tgt' }],
      profile: { name: '周小敏', city: '宁波' },
    })
    const attributes = new MemberAttributes()
    const size = await attributes.define(company.id, { label: '尺码', type: 'text' }, null)
    const hobby = await attributes.define(company.id, { label: '爱好', type: 'text' }, null)
    await attributes.set(company.id, source.memberId, { [size]: 'M', [hobby]: '瑜伽' }, null)
    await attributes.set(company.id, target.memberId, { [hobby]: '跑步' }, null)

    const merge = await new MergeMembers().handle(
      company.id,
      source.memberId,
      target.memberId,
      null
    )
    const merged = await Member.findOrFail(target.memberId)
    // The target's own values stay; its empty ones are filled.
    assert.equal(merged.name, '周小敏')
    assert.equal(merged.city, '宁波')
    assert.equal(merged.gender, 'female')
    assert.equal(merged.birthday!.toISODate(), '1992-02-02')
    assert.equal(merged.email, 'min@example.com')
    const values = async () => Object.fromEntries(await attributes.valuesFor(target.memberId))
    assert.deepEqual(await values(), { [size]: 'M', [hobby]: '跑步' })

    // Staff correct the e-mail before the merge is undone: their edit stays.
    await Member.query().where('id', target.memberId).update({ email: 'xiaomin@example.com' })
    await new UndoMerge().handle(company.id, merge.id, null)
    const undone = await Member.findOrFail(target.memberId)
    assert.equal(undone.gender, 'unknown')
    assert.isNull(undone.birthday)
    assert.equal(undone.email, 'xiaomin@example.com')
    assert.equal(undone.city, '宁波')
    assert.deepEqual(await values(), { [hobby]: '跑步' })
    const sourceAgain = await Member.findOrFail(source.memberId)
    assert.equal(sourceAgain.birthday!.toISODate(), '1992-02-02')
  })

  test("the duplicate's coupons move, except a second one from the same batch; undo moves them back", async ({
    assert,
  }) => {
    const { company, a, b } = await twoMembers()
    const template = await thresholdTemplate(company.id)
    const [batch] = await db
      .table('coupon_batches')
      .insert({
        company_id: company.id,
        template_id: template.id,
        filters: '{}',
        created_at: new Date(),
        updated_at: new Date(),
      })
      .returning('id')
    const batchId = typeof batch === 'object' ? batch.id : batch
    const coupons = await db.transaction(async (trx) => ({
      single: await issueCouponTo(trx, template.id, a),
      batchA: await issueCouponTo(trx, template.id, a),
      batchB: await issueCouponTo(trx, template.id, b),
    }))
    await db
      .from('coupons')
      .whereIn('id', [coupons.batchA, coupons.batchB])
      .update({ batch_id: batchId })
    const holder = async (id: number) => {
      const coupon = await db.from('coupons').where('id', id).first()
      return coupon.member_id
    }

    const merge = await new MergeMembers().handle(company.id, a, b, null)
    assert.equal(await holder(coupons.single), b)
    assert.equal(await holder(coupons.batchA), a)
    assert.equal(await holder(coupons.batchB), b)
    await new UndoMerge().handle(company.id, merge.id, null)
    assert.equal(await holder(coupons.single), a)
    assert.equal(await holder(coupons.batchB), b)
  })

  test("the duplicate's messages move with the person and back on undo", async ({ assert }) => {
    const { company, a, b } = await twoMembers()
    const message = await Message.create({
      companyId: company.id,
      direction: 'out',
      channel: 'sms',
      provider: 'fake-sms',
      category: 'marketing',
      memberId: a,
      body: '上新提醒',
      status: 'sent',
      attempts: 1,
    })
    const merge = await new MergeMembers().handle(company.id, a, b, null)
    await message.refresh()
    assert.equal(message.memberId, b)
    await new UndoMerge().handle(company.id, merge.id, null)
    await message.refresh()
    assert.equal(message.memberId, a)
  })

  test('a phone moves to a target without one and back on undo', async ({ assert }) => {
    const { company, a, b } = await twoMembers()
    const merge = await new MergeMembers().handle(company.id, a, b, null)
    const found5 = await Member.findOrFail(b)
    assert.equal(found5.phone!.digits, '13700000001')
    const found6 = await Member.findOrFail(a)
    assert.isNull(found6.phoneHash)
    await new UndoMerge().handle(company.id, merge.id, null)
    const found7 = await Member.findOrFail(a)
    assert.equal(found7.phone!.digits, '13700000001')
    const found8 = await Member.findOrFail(b)
    assert.isNull(found8.phoneHash)
  })

  test('cannot merge a member into itself or an already merged one', async ({ assert }) => {
    const { company, a, b } = await twoMembers()
    await assert.rejects(() => new MergeMembers().handle(company.id, a, a, null))
    await new MergeMembers().handle(company.id, b, a, null)
    await assert.rejects(() => new MergeMembers().handle(company.id, b, a, null))
  })
})
