import { test } from '@japa/runner'
import { sign, canonicalQuery, percentEncode } from '#plugins/aliyun-sms/signature'

/**
 * Golden vectors: the worked examples of Alibaba Cloud's "V3 request
 * structure and signature" documentation (AccessKey secret
 * `YourAccessKeySecret`, ECS RunInstances, empty body). If these fail, no
 * real gateway would accept our requests.
 */
const EMPTY = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'

function example(date: string, nonce: string) {
  return sign(
    {
      method: 'POST',
      path: '/',
      query: {
        ImageId: 'win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd',
        RegionId: 'cn-shanghai',
      },
      headers: {
        'host': 'ecs.cn-shanghai.aliyuncs.com',
        'x-acs-action': 'RunInstances',
        'x-acs-version': '2014-05-26',
        'x-acs-date': date,
        'x-acs-signature-nonce': nonce,
        'x-acs-content-sha256': EMPTY,
      },
      body: '',
    },
    'YourAccessKeySecret'
  )
}

test.group('Plugins / aliyun-sms ACS3-HMAC-SHA256', () => {
  test('matches the documented example signature', ({ assert }) => {
    const signed = example('2023-10-26T10:22:32Z', '3156853299f313e23d1673dc12e1703d')
    assert.equal(
      signed.stringToSign,
      'ACS3-HMAC-SHA256\n7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259'
    )
    assert.equal(
      signed.signature,
      '06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0'
    )
    assert.equal(
      signed.signedHeaders,
      'host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version'
    )
  })

  test('matches the documented Authorization header example', ({ assert }) => {
    const signed = example('2023-10-26T09:01:01Z', 'd410180a5abf7fe235dd9b74aca91fc0')
    assert.equal(
      signed.signature,
      'e521358f7776c97df52e6b2891a8bc73026794a071b50c3323388c4e0df64804'
    )
  })

  test('percent-encodes per RFC 3986 and sorts query keys', ({ assert }) => {
    assert.equal(percentEncode("a b*c~d!'()"), 'a%20b%2Ac~d%21%27%28%29')
    assert.equal(percentEncode('验证码'), '%E9%AA%8C%E8%AF%81%E7%A0%81')
    assert.equal(canonicalQuery({ b: '2', a: '1 1', A: 'x' }), 'A=x&a=1%201&b=2')
  })
})
