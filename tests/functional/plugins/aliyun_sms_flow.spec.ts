import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import env from '#start/env'
import queue from '#app/shared/queue/queue'
import { pluginHost } from '#app/plugins/plugin_host'
import PluginSetting from '#app/plugins/models/plugin_setting'
import Message from '#app/plugins/models/message'
import { SendMessage } from '#app/plugins/actions/send_message'
import { ManagePlugins } from '#app/plugins/actions/manage_plugins'
import { Phone } from '#app/shared/kernel/phone'
import AuditEvent from '#app/shared/audit/models/audit_event'
import Member from '#app/members/models/member'
import { ResolveMember } from '#app/members/actions/resolve_member'
import { DoNotContactList } from '#app/members/actions/do_not_contact'
import { createCompanyWithShops } from '#tests/functional/members/fixtures'
import { createStaff } from '#tests/support/staff'
import { FakeAliyunSms } from '#tests/fakes/aliyun-sms/server'

const TOKEN = 'cb-token-7f3a9c'
const SECRET_SHOWN_NEVER = 'fake-access-key-secret'
const hooks = (path: string, token = TOKEN) =>
  `http://${env.get('HOST')}:${env.get('PORT')}/hooks/aliyun-sms/${path}?token=${token}`

async function setup(fake: FakeAliyunSms) {
  const shops = await createCompanyWithShops()
  const resolved = await new ResolveMember().handle({
    companyId: shops.company.id,
    identities: [{ type: 'phone', value: '13800138000' }],
    profile: { name: '王小明' },
  })
  const member = await Member.findOrFail(resolved.memberId)
  const admin = await createStaff('admin')
  const form = {
    accessKeyId: fake.accessKeyId,
    accessKeySecret: fake.accessKeySecret,
    signName: '圈子商城',
    endpoint: fake.url,
    callbackToken: TOKEN,
    ratePerSecond: '200',
    testTemplateCode: 'SMS_100001',
  }
  return { ...shops, member, admin, form }
}

test.group('Plugins / aliyun-sms end to end (Plugins page, dispatcher, pushes)', (group) => {
  let fake: FakeAliyunSms
  group.each.setup(async () => {
    fake = new FakeAliyunSms()
    await fake.start()
    const rollback = await testUtils.db().withGlobalTransaction()
    return async () => {
      await queue.drain()
      await rollback()
      await pluginHost.load()
      await fake.stop()
    }
  })

  test('an admin configures it, tests the connection, sends a test SMS and sees it delivered', async ({
    client,
    assert,
  }) => {
    const { admin, member, form } = await setup(fake)
    assert.equal(pluginHost.get('aliyun-sms')?.status, 'unconfigured')

    const saved = await client
      .post('/settings/plugins/aliyun-sms/config')
      .loginAs(admin)
      .withCsrfToken()
      .form(form)
      .redirects(0)
    saved.assertStatus(302)
    assert.equal(pluginHost.get('aliyun-sms')?.status, 'active')

    // The secret is stored encrypted and never shown again.
    const setting = await PluginSetting.findByOrFail('pluginId', 'aliyun-sms')
    const raw = JSON.stringify(setting.config)
    assert.notInclude(raw, SECRET_SHOWN_NEVER)
    assert.notInclude(raw, TOKEN)
    assert.property(setting.config!.accessKeySecret as object, 'encrypted')
    const page = await client.get('/settings/plugins/aliyun-sms').loginAs(admin)
    page.assertStatus(200)
    assert.notInclude(page.text(), SECRET_SHOWN_NEVER)
    assert.notInclude(page.text(), TOKEN)
    assert.include(page.text(), '/hooks/aliyun-sms/report')

    const audit = await AuditEvent.query()
      .where({ entity_type: 'plugin', entity_id: 'aliyun-sms', action: 'configure' })
      .firstOrFail()
    assert.notInclude(JSON.stringify(audit.changes), SECRET_SHOWN_NEVER)
    assert.deepEqual((audit.context as any).secretsChanged, ['accessKeySecret', 'callbackToken'])

    // Saving again with the secret left blank keeps it.
    await client
      .post('/settings/plugins/aliyun-sms/config')
      .loginAs(admin)
      .withCsrfToken()
      .form({ ...form, accessKeySecret: '', callbackToken: '' })
      .redirects(0)
    assert.equal(pluginHost.get('aliyun-sms')?.status, 'active')

    const tested = await client
      .post('/settings/plugins/aliyun-sms/test')
      .loginAs(admin)
      .withCsrfToken()
      .redirects(0)
    tested.assertFlashMessage('success', '连接正常：sign "圈子商城" approved')

    const sent = await client
      .post('/settings/plugins/aliyun-sms/test-message')
      .loginAs(admin)
      .withCsrfToken()
      .form({
        memberId: member.id,
        templateCode: 'SMS_100001',
        templateParams: 'code=8642',
        key: 'k1',
      })
      .redirects(0)
    sent.assertStatus(302)
    sent.assertFlashMessage('success', '测试短信已提交发送，状态会在下方更新。')
    // Submitting the same form twice sends once.
    await client
      .post('/settings/plugins/aliyun-sms/test-message')
      .loginAs(admin)
      .withCsrfToken()
      .form({
        memberId: member.id,
        templateCode: 'SMS_100001',
        templateParams: 'code=8642',
        key: 'k1',
      })
      .redirects(0)
    await queue.drain()

    const message = await Message.query().where('provider', 'aliyun-sms').firstOrFail()
    assert.equal(message.status, 'sent')
    assert.equal(message.memberId, member.id)
    assert.lengthOf(fake.sent, 1)
    assert.equal(fake.sent[0].outId, String(message.id))
    assert.deepEqual(fake.sent[0].params, { code: '8642' })
    assert.equal(message.providerMessageId, fake.sent[0].bizId)

    const pushed = await fake.pushReports(hooks('report'))
    assert.deepEqual(pushed, { status: 200, body: { code: 0, msg: '接收成功' } })
    await message.refresh()
    assert.equal(message.status, 'delivered')
    assert.equal(message.providerCode, 'DELIVERED')
    assert.isNotNull(message.receiptAt)

    const shown = await client.get('/settings/plugins/aliyun-sms').loginAs(admin)
    assert.include(shown.text(), '已送达')
  })

  test('an "R" reply opts the number out; the next send is suppressed without calling Aliyun', async ({
    assert,
  }) => {
    const { admin, member, company, form } = await setup(fake)
    await new ManagePlugins().configure('aliyun-sms', form, admin)

    const reply = await fake.pushReply(hooks('up'), '13800138000', ' R ')
    assert.equal(reply.status, 200)
    const phone = Phone.parse('13800138000')
    assert.isTrue(await new DoNotContactList().blocks(company.id, phone.blindIndex, 'sms'))
    const dnc = await db.from('do_not_contact').where('phone_hash', phone.blindIndex).firstOrFail()
    assert.equal(dnc.source, 'reply')
    const inbound = await Message.query().where('direction', 'in').firstOrFail()
    assert.equal(inbound.body, ' R ')
    assert.equal(inbound.memberId, member.id)

    // A reply that is not an opt-out is stored only.
    await fake.pushReply(hooks('up'), '13900139000', '什么时候发货？')
    assert.isFalse(
      await new DoNotContactList().blocks(company.id, Phone.parse('13900139000').blindIndex, 'sms')
    )

    const message = await new SendMessage().handle({
      companyId: company.id,
      provider: 'aliyun-sms',
      phone,
      memberId: member.id,
      category: 'notification',
      template: { code: 'SMS_100001', params: { code: '1' } },
      idempotencyKey: 'after-opt-out',
    })
    await queue.drain()
    assert.equal(message.status, 'suppressed')
    assert.equal(message.providerCode, 'do_not_contact')
    assert.lengthOf(fake.requests, 0)
  })

  test('callbacks with a wrong token or a malformed body are refused', async ({ assert }) => {
    const { admin, form } = await setup(fake)
    await new ManagePlugins().configure('aliyun-sms', form, admin)

    const wrong = await fake.pushReply(hooks('up', 'guess'), '13800138000', 'R')
    assert.equal(wrong.status, 401)
    assert.equal(
      await db
        .from('do_not_contact')
        .count('* as n')
        .first()
        .then((r) => Number(r.n)),
      0
    )

    const malformed = await fetch(hooks('report'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"not": "an array"',
    })
    assert.equal(malformed.status, 400)
    const notArray = await fetch(hooks('report'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"biz_id": "1"}',
    })
    assert.equal(notArray.status, 400)

    const unknown = await fetch(hooks('nope'), { method: 'POST' })
    assert.equal(unknown.status, 404)
  })

  test('the dispatcher retries throttling with backoff and never sends twice', async ({
    assert,
  }) => {
    const { admin, member, company, form } = await setup(fake)
    await new ManagePlugins().configure('aliyun-sms', form, admin)

    fake.throttleNext(2)
    const input = {
      companyId: company.id,
      provider: 'aliyun-sms',
      phone: member.phone!,
      memberId: member.id,
      category: 'notification' as const,
      template: { code: 'SMS_100001', params: { code: '5' } },
      idempotencyKey: 'order-shipped:1001',
    }
    const first = await new SendMessage().handle(input)
    const again = await new SendMessage().handle(input)
    assert.equal(first.id, again.id)
    await queue.drain()

    await first.refresh()
    assert.equal(first.status, 'sent')
    assert.equal(first.attempts, 3)
    assert.lengthOf(fake.sent, 1)
    assert.deepEqual(
      fake.requests.map((r) => r.code),
      ['Throttling.User', 'Throttling.User', 'OK']
    )
  })

  test('non-retryable errors fail at once; a message left "sending" by a crash is not resent', async ({
    assert,
  }) => {
    const { admin, company, form } = await setup(fake)
    await new ManagePlugins().configure('aliyun-sms', form, admin)

    const bad = await new SendMessage().handle({
      companyId: company.id,
      provider: 'aliyun-sms',
      phone: Phone.parse('13700137000'),
      category: 'notification',
      template: { code: 'SMS_UNKNOWN', params: {} },
      idempotencyKey: 'bad-template',
    })
    await queue.drain()
    await bad.refresh()
    assert.equal(bad.status, 'failed')
    assert.equal(bad.errorCode, 'template_or_sign_unapproved')
    assert.equal(bad.providerCode, 'isv.SMS_TEMPLATE_ILLEGAL')
    assert.equal(bad.attempts, 1)

    // Simulate a worker killed during the provider call: the row is "sending".
    const { sendMessageJob } = await import('#app/plugins/jobs/send_message_job')
    const stuck = await Message.create({
      companyId: company.id,
      direction: 'out',
      channel: 'sms',
      provider: 'aliyun-sms',
      category: 'notification',
      phoneHash: Phone.parse('13600136000').blindIndex,
      phoneEncrypted: Phone.parse('13600136000').encrypt(),
      templateCode: 'SMS_100001',
      templateParams: { code: '1' },
      idempotencyKey: 'stuck',
      status: 'sending',
      attempts: 1,
    })
    const requestsBefore = fake.requests.length
    // Within the lease the other sender may still be in the call: left alone.
    await sendMessageJob.handle({ payload: { messageId: stuck.id }, attempt: 2 } as any)
    await stuck.refresh()
    assert.equal(stuck.status, 'sending')
    // Past the lease, a row without a claim token cannot be looked up: failed, not resent.
    stuck.claimedAt = DateTime.utc().minus({ minutes: 5 })
    await stuck.save()
    await sendMessageJob.handle({ payload: { messageId: stuck.id }, attempt: 3 } as any)
    await stuck.refresh()
    assert.equal(stuck.status, 'failed')
    assert.include(stuck.errorMessage ?? '', 'outcome unknown')
    assert.equal(fake.requests.length, requestsBefore)

    // Its receipt, if the send did go out, still marks it delivered.
    const { recordReceipts } = await import('#app/plugins/messaging/inbox')
    await recordReceipts('aliyun-sms', [
      {
        outId: String(stuck.id),
        providerMessageId: null,
        to: null,
        delivered: true,
        providerCode: 'DELIVERED',
        description: null,
        reportedAt: new Date(),
      },
    ])
    await stuck.refresh()
    assert.equal(stuck.status, 'delivered')
  })
})
