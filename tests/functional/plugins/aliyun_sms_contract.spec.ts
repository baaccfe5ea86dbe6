import { randomUUID } from 'node:crypto'
import { test } from '@japa/runner'
import logger from '@adonisjs/core/services/logger'
import type { MessageChannel, OutgoingMessage, PluginContext } from '#app/plugins/sdk/index'
import { PluginHttp } from '#app/plugins/http_client'
import { aliyunChannel, type AliyunSmsConfig } from '#plugins/aliyun-sms/index'
import { authorization, sha256Hex, sign } from '#plugins/aliyun-sms/signature'
import { FakeAliyunSms } from '#tests/fakes/aliyun-sms/server'

function channelFor(fake: FakeAliyunSms, overrides: Partial<AliyunSmsConfig> = {}): MessageChannel {
  const config: AliyunSmsConfig = {
    accessKeyId: fake.accessKeyId,
    accessKeySecret: fake.accessKeySecret,
    signName: '圈子商城',
    endpoint: fake.url,
    callbackToken: 'token',
    ratePerSecond: 100,
    ...overrides,
  }
  const ctx = {
    id: 'aliyun-sms',
    config,
    http: new PluginHttp(),
    logger,
  } as unknown as PluginContext<AliyunSmsConfig>
  return aliyunChannel(ctx)
}

function message(
  to: string,
  code = 'SMS_100001',
  params: Record<string, string> = { code: '1234' }
): OutgoingMessage {
  return {
    id: String(Math.floor(Math.random() * 1e6)),
    idempotencyKey: randomUUID(),
    to,
    category: 'otp',
    template: { code, params },
    text: null,
  }
}

/** Signs a SendSms request by hand, so a test can replay or age it. */
function signedRequest(fake: FakeAliyunSms, date: Date, nonce: string) {
  const url = new URL(fake.url)
  const body =
    'PhoneNumbers=13800138000&SignName=%E5%9C%88%E5%AD%90%E5%95%86%E5%9F%8E&TemplateCode=SMS_100001&TemplateParam=%7B%22code%22%3A%221%22%7D'
  const headers: Record<string, string> = {
    'host': url.host,
    'content-type': 'application/x-www-form-urlencoded',
    'x-acs-action': 'SendSms',
    'x-acs-version': '2017-05-25',
    'x-acs-date': date.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    'x-acs-signature-nonce': nonce,
    'x-acs-content-sha256': sha256Hex(body),
  }
  const signed = sign({ method: 'POST', path: '/', query: {}, headers, body }, fake.accessKeySecret)
  const sent: Record<string, string> = { ...headers }
  delete sent.host
  return () =>
    fetch(fake.url + '/', {
      method: 'POST',
      headers: {
        ...sent,
        authorization: authorization(fake.accessKeyId, signed.signedHeaders, signed.signature),
      },
      body,
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }))
}

test.group('Plugins / aliyun-sms against the fake dysmsapi', (group) => {
  let fake: FakeAliyunSms
  group.each.setup(async () => {
    fake = new FakeAliyunSms()
    await fake.start()
    return () => fake.stop()
  })

  test('SendSms is signed, accepted and answered with a BizId; OutId is our message id', async ({
    assert,
  }) => {
    const channel = channelFor(fake)
    const outgoing = message('13800138000')
    const result = await channel.send(outgoing)
    assert.isTrue(result.ok)
    assert.match((result as any).providerMessageId, /^\d+\^0$/)
    assert.lengthOf(fake.sent, 1)
    assert.deepInclude(fake.sent[0], {
      phone: '13800138000',
      signName: '圈子商城',
      templateCode: 'SMS_100001',
      params: { code: '1234' },
      outId: outgoing.id,
    })
  })

  test('provider errors are normalised with retry guidance', async ({ assert }) => {
    const cases: Array<[() => Promise<any>, string, string, boolean]> = [
      [
        () => channelFor(fake).send(message('12345')),
        'invalid_recipient',
        'isv.MOBILE_NUMBER_ILLEGAL',
        false,
      ],
      [
        () => channelFor(fake).send(message('13800138000', 'SMS_404')),
        'template_or_sign_unapproved',
        'isv.SMS_TEMPLATE_ILLEGAL',
        false,
      ],
      [
        () => channelFor(fake, { signName: '没审核' }).send(message('13800138000')),
        'template_or_sign_unapproved',
        'isv.SMS_SIGNATURE_ILLEGAL',
        false,
      ],
      [
        () => channelFor(fake).send(message('13800138000', 'SMS_100001', {})),
        'content_rejected',
        'isv.TEMPLATE_MISSING_PARAMETERS',
        false,
      ],
      [
        () => channelFor(fake, { accessKeySecret: 'wrong' }).send(message('13800138000')),
        'auth',
        'SignatureDoesNotMatch',
        false,
      ],
      [
        () => channelFor(fake, { accessKeyId: 'LTAIunknown' }).send(message('13800138000')),
        'auth',
        'InvalidAccessKeyId.NotFound',
        false,
      ],
    ]
    for (const [run, code, providerCode, retryable] of cases) {
      const result = await run()
      assert.isFalse(result.ok, providerCode)
      assert.equal(result.error.code, code, providerCode)
      assert.equal(result.error.providerCode, providerCode)
      assert.equal(result.error.retryable, retryable, providerCode)
    }
    assert.lengthOf(fake.sent, 0)
  })

  test('throttling, outages, per-number limits and an empty balance', async ({ assert }) => {
    const channel = channelFor(fake)
    fake.throttleNext(1)
    let result: any = await channel.send(message('13800138000'))
    assert.equal(result.error.code, 'rate_limited')
    assert.equal(result.error.providerCode, 'Throttling.User')
    assert.isTrue(result.error.retryable)

    fake.failNext(1)
    result = await channel.send(message('13800138000'))
    assert.equal(result.error.code, 'transient')
    assert.isTrue(result.error.retryable)

    fake.perNumberPerMinute = 1
    const first = await channel.send(message('13900139000'))
    assert.isTrue(first.ok)
    result = await channel.send(message('13900139000'))
    assert.equal(result.error.providerCode, 'isv.BUSINESS_LIMIT_CONTROL')
    assert.equal(result.error.code, 'rate_limited')

    fake.quota = 0
    result = await channel.send(message('13700137000'))
    assert.equal(result.error.code, 'quota')
    assert.isFalse(result.error.retryable)
  })

  test('a gateway that is down is a retryable transient error', async ({ assert }) => {
    const channel = channelFor(fake)
    await fake.stop()
    const result: any = await channel.send(message('13800138000'))
    assert.equal(result.error.code, 'transient')
    assert.isTrue(result.error.retryable)
    await fake.start()
  })

  test('SendBatchSms gives one result per recipient', async ({ assert }) => {
    const channel = channelFor(fake)
    const batch = [message('13800138000'), message('13900139000', 'SMS_100001', { code: '9' })]
    const results = await channel.sendBatch!(batch)
    assert.lengthOf(results, 2)
    assert.isTrue(results.every((r) => r.ok))
    assert.deepEqual(
      fake.sent.map((m) => [m.phone, m.params.code]),
      [
        ['13800138000', '1234'],
        ['13900139000', '9'],
      ]
    )

    const bad = await channel.sendBatch!([message('13800138000'), message('999')])
    assert.isTrue(bad.every((r) => !r.ok && r.error.code === 'invalid_recipient'))
  })

  test('the fake rejects clock skew and a replayed nonce, like the gateway', async ({ assert }) => {
    const stale = signedRequest(fake, new Date(Date.now() - 16 * 60_000), randomUUID())
    const staleAnswer = await stale()
    assert.equal(staleAnswer.status, 400)
    assert.equal(staleAnswer.body.Code, 'InvalidTimeStamp.Expired')

    const fresh = signedRequest(fake, new Date(), randomUUID())
    const accepted = await fresh()
    assert.equal(accepted.body.Code, 'OK')
    const replay = await fresh()
    assert.equal(replay.status, 400)
    assert.equal(replay.body.Code, 'SignatureNonceUsed')
    assert.lengthOf(fake.sent, 1)
  })
})
