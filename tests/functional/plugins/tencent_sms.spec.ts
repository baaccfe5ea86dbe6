import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import logger from '@adonisjs/core/services/logger'
import env from '#start/env'
import type { OutgoingMessage, PluginContext } from '#app/plugins/sdk/index'
import { PluginHttp } from '#app/plugins/http_client'
import { pluginHost } from '#app/plugins/plugin_host'
import { ManagePlugins } from '#app/plugins/actions/manage_plugins'
import { SendMessage } from '#app/plugins/actions/send_message'
import Message from '#app/plugins/models/message'
import queue from '#app/shared/queue/queue'
import { Phone } from '#app/shared/kernel/phone'
import { DoNotContactList } from '#app/members/actions/do_not_contact'
import { tencentChannel, type TencentSmsConfig } from '#plugins/tencent-sms/index'
import { FakeTencentSms } from '#tests/fakes/tencent-sms/server'
import { createCompanyWithShops } from '#tests/functional/members/fixtures'
import { createStaff } from '#tests/support/staff'

function config(fake: FakeTencentSms, overrides: Partial<TencentSmsConfig> = {}): TencentSmsConfig {
  return {
    secretId: fake.secretId,
    secretKey: fake.secretKey,
    sdkAppId: fake.sdkAppId,
    signName: '圈子商城',
    region: 'ap-guangzhou',
    endpoint: fake.url,
    callbackToken: 'tc-token',
    ratePerSecond: 100,
    ...overrides,
  }
}

function channel(fake: FakeTencentSms, overrides: Partial<TencentSmsConfig> = {}) {
  const ctx = {
    id: 'tencent-sms',
    config: config(fake, overrides),
    http: new PluginHttp(),
    logger,
  } as unknown as PluginContext<TencentSmsConfig>
  return tencentChannel(ctx)
}

const sms = (to: string, id = '7', code = '1234'): OutgoingMessage => ({
  id,
  idempotencyKey: `k-${id}`,
  to,
  category: 'otp',
  template: { code: '1000001', params: { 1: code } },
  text: null,
})

test.group('Plugins / tencent-sms against the fake API', (group) => {
  let fake: FakeTencentSms
  group.each.setup(async () => {
    fake = new FakeTencentSms()
    await fake.start()
    return () => fake.stop()
  })

  test('SendSms is signed and accepted; SessionContext is our message id', async ({ assert }) => {
    const result = await channel(fake).send(sms('13800138000'))
    assert.isTrue(result.ok)
    assert.equal((result as any).providerMessageId, fake.sent[0].serialNo)
    assert.deepInclude(fake.sent[0], {
      phone: '+8613800138000',
      templateId: '1000001',
      params: ['1234'],
      sessionContext: '7',
    })
  })

  test('batch results are per number; request-level errors apply to all', async ({ assert }) => {
    fake.blacklist.add('+8613900139000')
    const results = await channel(fake).sendBatch!([
      sms('13800138000', '1'),
      sms('13900139000', '2'),
      sms('1234', '3'),
    ])
    assert.isTrue(results[0].ok)
    assert.equal((results[1] as any).error.code, 'suppressed')
    assert.equal((results[2] as any).error.code, 'invalid_recipient')
    assert.equal(
      (results[2] as any).error.providerCode,
      'InvalidParameterValue.IncorrectPhoneNumber'
    )

    const unapproved = await channel(fake, { signName: '未审核' }).send(sms('13800138000'))
    assert.equal((unapproved as any).error.code, 'template_or_sign_unapproved')
  })

  test('auth failures, clock skew and throttling', async ({ assert }) => {
    const wrongKey: any = await channel(fake, { secretKey: 'nope' }).send(sms('13800138000'))
    assert.equal(wrongKey.error.providerCode, 'AuthFailure.SignatureFailure')
    assert.equal(wrongKey.error.code, 'auth')
    const wrongId: any = await channel(fake, { secretId: 'AKIDunknown' }).send(sms('13800138000'))
    assert.equal(wrongId.error.providerCode, 'AuthFailure.SecretIdNotFound')

    const realNow = Date.now
    Date.now = () => realNow() - 6 * 60_000
    let skewed: any
    try {
      skewed = await channel(fake).send(sms('13800138000'))
    } finally {
      Date.now = realNow
    }
    assert.equal(skewed.error.providerCode, 'AuthFailure.SignatureExpire')

    fake.throttleNext()
    const throttled: any = await channel(fake).send(sms('13800138000'))
    assert.equal(throttled.error.code, 'rate_limited')
    assert.isTrue(throttled.error.retryable)
    assert.lengthOf(fake.sent, 0)
  })

  test('through the dispatcher: status report marks it delivered, a "TD" reply opts out', async ({
    assert,
  }) => {
    const rollback = await testUtils.db().withGlobalTransaction()
    try {
      const { company } = await createCompanyWithShops()
      const admin = await createStaff('admin')
      await new ManagePlugins().configure('tencent-sms', { ...config(fake) }, admin)
      assert.equal(
        pluginHost.get('tencent-sms')?.status,
        'active',
        pluginHost.get('tencent-sms')?.reason ?? ''
      )
      const tested = await pluginHost.testConnection('tencent-sms')
      assert.isTrue(tested.ok, tested.detail)

      const message = await new SendMessage().handle({
        companyId: company.id,
        provider: 'tencent-sms',
        phone: Phone.parse('13800138000'),
        category: 'notification',
        template: { code: '1000001', params: { 1: '2468' } },
        idempotencyKey: 'tc-1',
      })
      await queue.drain()
      await message.refresh()
      assert.equal(message.status, 'sent')

      const base = `http://${env.get('HOST')}:${env.get('PORT')}/hooks/tencent-sms`
      const report = await fake.pushReports(`${base}/report?token=tc-token`)
      assert.deepEqual(report, { status: 200, body: { result: 0, errmsg: 'OK' } })
      await message.refresh()
      assert.equal(message.status, 'delivered')
      assert.equal(message.providerCode, 'DELIVRD')

      const denied = await fake.pushReply(`${base}/reply?token=guess`, '13800138000', 'TD')
      assert.equal(denied.status, 401)
      await fake.pushReply(`${base}/reply?token=tc-token`, '13800138000', 'TD')
      const phone = Phone.parse('13800138000')
      assert.isTrue(await new DoNotContactList().blocks(company.id, phone.blindIndex, 'sms'))
      assert.equal(
        await Message.query()
          .where('direction', 'in')
          .count('* as n')
          .first()
          .then((r: any) => Number(r.$extras.n)),
        1
      )
    } finally {
      await rollback()
      await pluginHost.load()
    }
  })
})
