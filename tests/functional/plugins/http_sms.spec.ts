import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import logger from '@adonisjs/core/services/logger'
import type { OutgoingMessage, PluginContext } from '#app/plugins/sdk/index'
import { PluginHttp } from '#app/plugins/http_client'
import { pluginHost } from '#app/plugins/plugin_host'
import { ManagePlugins } from '#app/plugins/actions/manage_plugins'
import { SendMessage } from '#app/plugins/actions/send_message'
import queue from '#app/shared/queue/queue'
import { Phone } from '#app/shared/kernel/phone'
import { httpSmsChannel, passes, type HttpSmsConfig } from '#plugins/http-sms/index'
import { FakeHttpSmsGateway } from '#tests/fakes/http-sms/server'
import { createCompanyWithShops } from '#tests/functional/members/fixtures'
import { createStaff } from '#tests/support/staff'

function config(fake: FakeHttpSmsGateway, overrides: Partial<HttpSmsConfig> = {}): HttpSmsConfig {
  return {
    url: `${fake.url}/sms/send`,
    method: 'POST',
    bodyFormat: 'json',
    params: 'mobile={to}\ncontent=【圈子】{text}\nref={id}',
    headers: 'X-Api-Key: {secret}',
    secret: fake.apiKey,
    successTest: 'json:code=0',
    messageIdPath: 'data.msgid',
    ratePerSecond: 50,
    ...overrides,
  }
}

function channel(fake: FakeHttpSmsGateway, overrides: Partial<HttpSmsConfig> = {}) {
  const ctx = {
    id: 'http-sms',
    config: config(fake, overrides),
    http: new PluginHttp(),
    logger,
  } as unknown as PluginContext<HttpSmsConfig>
  return httpSmsChannel(ctx)
}

const sms = (to: string, text = '您的验证码 1234'): OutgoingMessage => ({
  id: '42',
  idempotencyKey: 'k',
  to,
  category: 'otp',
  template: null,
  text,
})

test.group('Plugins / http-sms against a fake gateway', (group) => {
  let fake: FakeHttpSmsGateway
  group.each.setup(async () => {
    fake = new FakeHttpSmsGateway()
    await fake.start()
    return () => fake.stop()
  })

  test('JSON POST with placeholders, a header and a JSON success test', async ({ assert }) => {
    const result = await channel(fake).send(sms('13800138000'))
    assert.deepEqual(result, { ok: true, providerMessageId: 'gw-1' })
    assert.deepEqual(fake.received[0], {
      method: 'POST',
      mobile: '13800138000',
      content: '【圈子】您的验证码 1234',
      ref: '42',
    })
  })

  test('form POST and GET variants reach the gateway the same way', async ({ assert }) => {
    const form = await channel(fake, { bodyFormat: 'form' }).send(sms('13800138000'))
    const get = await channel(fake, { method: 'GET' }).send(sms('13900139000'))
    assert.isTrue(form.ok && get.ok)
    assert.deepEqual(
      fake.received.map((r) => [r.method, r.mobile]),
      [
        ['POST', '13800138000'],
        ['GET', '13900139000'],
      ]
    )
  })

  test('a failed success test, a bad key and throttling are normalised', async ({ assert }) => {
    const rejected: any = await channel(fake).send(sms('12345'))
    assert.equal(rejected.error.code, 'content_rejected')
    assert.include(rejected.error.message, 'invalid mobile')

    const denied: any = await channel(fake, { secret: 'wrong' }).send(sms('13800138000'))
    assert.equal(denied.error.code, 'auth')

    fake.throttleNext()
    const throttled: any = await channel(fake).send(sms('13800138000'))
    assert.equal(throttled.error.code, 'rate_limited')
    assert.isTrue(throttled.error.retryable)
    assert.lengthOf(fake.received, 0)
  })

  test('success tests', ({ assert }) => {
    assert.isTrue(passes('status=200', 200, '', null))
    assert.isFalse(passes('status=200', 201, '', null))
    assert.isTrue(passes('text:OK', 200, 'result OK', null))
    assert.isFalse(passes('text:OK', 500, 'OK', null))
    assert.isTrue(passes('json:result.code=0', 200, '', { result: { code: 0 } }))
    assert.isFalse(passes('json:result.code=0', 200, '', { result: { code: 7 } }))
  })

  test('configured on the Plugins page, the dispatcher sends a text SMS through it', async ({
    assert,
  }) => {
    const rollback = await testUtils.db().withGlobalTransaction()
    try {
      const { company } = await createCompanyWithShops()
      const admin = await createStaff('admin')
      const values = config(fake, { testUrl: `${fake.url}/ping` })
      await new ManagePlugins().configure('http-sms', { ...values }, admin)
      assert.equal(
        pluginHost.get('http-sms')?.status,
        'active',
        pluginHost.get('http-sms')?.reason ?? ''
      )
      assert.deepEqual(await pluginHost.testConnection('http-sms'), {
        ok: true,
        detail: 'GET answered HTTP 200',
      })

      const message = await new SendMessage().handle({
        companyId: company.id,
        provider: 'http-sms',
        phone: Phone.parse('13800138000'),
        category: 'notification',
        text: '您的订单已发货',
        idempotencyKey: 'shipped:1',
      })
      await queue.drain()
      await message.refresh()
      assert.equal(message.status, 'sent')
      assert.equal(message.providerMessageId, 'gw-1')
      assert.equal(fake.received[0].content, '【圈子】您的订单已发货')
    } finally {
      await rollback()
      await pluginHost.load()
    }
  })
})
