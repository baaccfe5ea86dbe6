import { test } from '@japa/runner'
import * as TencentSms from 'tencentcloud-sdk-nodejs-sms'
import { FakeTencentSms } from '#tests/fakes/tencent-sms/server'

/**
 * The fake must accept what the official Tencent Cloud SDK sends
 * (tencentcloud-sdk-nodejs-sms, its own TC3-HMAC-SHA256 signer), so its
 * signature check is not just our connector agreeing with itself.
 */
test.group('Plugins / tencent-sms fake vs the official SDK', (group) => {
  let fake: FakeTencentSms
  group.each.setup(async () => {
    fake = new FakeTencentSms()
    // The SDK derives the scope's service from the host: `127` for 127.0.0.1.
    fake.acceptAnyService = true
    await fake.start()
    return () => fake.stop()
  })

  function sdkClient(secretKey = fake.secretKey) {
    const sms = ((TencentSms as any).sms ?? (TencentSms as any).default.sms).v20210111
    return new sms.Client({
      credential: { secretId: fake.secretId, secretKey },
      region: 'ap-guangzhou',
      profile: {
        signMethod: 'TC3-HMAC-SHA256',
        httpProfile: {
          endpoint: fake.url.replace('http://', ''),
          protocol: 'http://',
          reqMethod: 'POST',
        },
      },
    })
  }

  const request = {
    PhoneNumberSet: ['+8613800138000'],
    SmsSdkAppId: '1400000001',
    SignName: '圈子商城',
    TemplateId: '1000001',
    TemplateParamSet: ['2468'],
    SessionContext: 'sdk-1',
  }

  test('SendSms signed by the SDK is accepted with a status per number', async ({ assert }) => {
    const response = await sdkClient().SendSms(request)
    assert.equal(response.SendStatusSet[0].Code, 'Ok')
    assert.deepInclude(fake.sent[0], {
      phone: '+8613800138000',
      sessionContext: 'sdk-1',
      params: ['2468'],
    })
  })

  test('a wrong key in the SDK is refused with AuthFailure.SignatureFailure', async ({
    assert,
  }) => {
    try {
      await sdkClient('wrong-key').SendSms(request)
      assert.fail('the fake must refuse a bad signature')
    } catch (error) {
      assert.equal((error as any).code, 'AuthFailure.SignatureFailure')
    }
    assert.lengthOf(fake.sent, 0)
  })
})
