import { test } from '@japa/runner'
import * as DysmsapiModule from '@alicloud/dysmsapi20170525'
import * as OpenApiModule from '@alicloud/openapi-core'
import { FakeAliyunSms } from '#tests/fakes/aliyun-sms/server'

/** CommonJS packages seen from ESM: the classes sit on `default` (or its `default`). */
function unwrap(module: any) {
  return module.default?.default ?? module.default ?? module
}

/**
 * The fake must accept what the official Alibaba Cloud SDK sends
 * (@alicloud/dysmsapi20170525, its own ACS3-HMAC-SHA256 signer), so its
 * signature check is not just our connector agreeing with itself.
 */
test.group('Plugins / aliyun-sms fake vs the official SDK', (group) => {
  let fake: FakeAliyunSms
  group.each.setup(async () => {
    fake = new FakeAliyunSms()
    await fake.start()
    return () => fake.stop()
  })

  function sdkClient(secret = fake.accessKeySecret) {
    const Dysmsapi = unwrap(DysmsapiModule)
    const { Config } = (OpenApiModule as any).$OpenApiUtil
    return new Dysmsapi(
      new Config({
        accessKeyId: fake.accessKeyId,
        accessKeySecret: secret,
        endpoint: fake.url.replace('http://', ''),
        protocol: 'http',
        signatureAlgorithm: 'ACS3-HMAC-SHA256',
      })
    )
  }

  test('SendSms signed by the SDK is accepted and answered', async ({ assert }) => {
    const { SendSmsRequest } = DysmsapiModule as any
    const response = await sdkClient().sendSms(
      new SendSmsRequest({
        phoneNumbers: '13800138000',
        signName: '圈子商城',
        templateCode: 'SMS_100001',
        templateParam: '{"code":"2468"}',
        outId: 'sdk-1',
      })
    )
    assert.equal(response.body.code, 'OK')
    assert.match(response.body.bizId, /\^0$/)
    assert.deepInclude(fake.sent[0], {
      phone: '13800138000',
      outId: 'sdk-1',
      params: { code: '2468' },
    })
  })

  test('a wrong secret in the SDK is refused with SignatureDoesNotMatch', async ({ assert }) => {
    const { SendSmsRequest } = DysmsapiModule as any
    try {
      await sdkClient('wrong-secret').sendSms(
        new SendSmsRequest({
          phoneNumbers: '13800138000',
          signName: '圈子商城',
          templateCode: 'SMS_100001',
          templateParam: '{"code":"1"}',
        })
      )
      assert.fail('the fake must refuse a bad signature')
    } catch (error) {
      assert.equal((error as any).code, 'SignatureDoesNotMatch')
    }
    assert.lengthOf(fake.sent, 0)
  })
})
