import { test } from '@japa/runner'
import { tc3Sign } from '#plugins/tencent-sms/signature'
import { templateParamSet } from '#plugins/tencent-sms/index'

/**
 * Golden vector: the worked example of Tencent Cloud's "Signature v3"
 * documentation (CVM DescribeInstances, timestamp 1551113065,
 * SecretKey Gu5t9xGARNpq86cd98joQYCN3EXAMPLE).
 */
test.group('Plugins / tencent-sms TC3-HMAC-SHA256', () => {
  test('matches the documented example', ({ assert }) => {
    const signed = tc3Sign({
      secretKey: 'Gu5t9xGARNpq86cd98joQYCN3EXAMPLE',
      service: 'cvm',
      timestamp: 1551113065,
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'host': 'cvm.tencentcloudapi.com',
      },
      body: '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}',
    })
    assert.equal(
      signed.stringToSign,
      'TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031'
    )
    assert.equal(
      signed.signature,
      '72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168'
    )
    assert.equal(signed.signedHeaders, 'content-type;host')
  })

  test('template parameters are positional', ({ assert }) => {
    assert.deepEqual(templateParamSet({ 2: '5', 1: '1234', 10: 'x' }), ['1234', '5', 'x'])
    assert.deepEqual(templateParamSet({ code: '1234', minutes: '5' }), ['1234', '5'])
  })
})
