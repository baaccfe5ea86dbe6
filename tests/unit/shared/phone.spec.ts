import { test } from '@japa/runner'
import { createHmac, hkdfSync } from 'node:crypto'
import encryption from '@adonisjs/core/services/encryption'
import env from '#start/env'
import { Phone } from '#app/shared/kernel/phone'
import { encryptField } from '#app/shared/kernel/field_cipher'

test.group('Phone', () => {
  test('normalises {input}')
    .with([
      { input: '13812345678', digits: '13812345678' },
      { input: '+86 138 1234 5678', digits: '13812345678' },
      { input: '0086-138-1234-5678', digits: '13812345678' },
      { input: '８６１３８１２３４５６７８', digits: '13812345678' },
      { input: '１３８　１２３４　５６７８', digits: '13812345678' },
      { input: '(138) 1234-5678', digits: '13812345678' },
    ])
    .run(({ assert }, row) => {
      assert.equal(Phone.parse(row.input).digits, row.digits)
    })

  test('rejects {input}')
    .with(['12812345678', '1381234567', '138123456789', 'abc', '', '+1 415 555 0100'])
    .run(({ assert }, input) => {
      assert.isNull(Phone.tryParse(input))
      assert.throws(() => Phone.parse(input || 'x'))
    })

  test('masks the middle four digits', ({ assert }) => {
    assert.equal(Phone.parse('13812345678').masked, '138****5678')
    assert.equal(String(Phone.parse('13812345678')), '138****5678')
  })

  test('encrypts reversibly and not in clear', ({ assert }) => {
    const phone = Phone.parse('13812345678')
    const cipher = phone.encrypt()
    assert.notInclude(cipher, '13812345678')
    assert.notEqual(cipher, phone.encrypt(), 'each encryption uses a fresh IV')
    assert.equal(Phone.decrypt(cipher)!.digits, '13812345678')
  })

  test('phones are sealed as the framework seals them, and read back by it', ({ assert }) => {
    const ours = encryptField('13812345678')
    const framework = encryption.encrypt('13812345678')
    assert.equal(encryption.decrypt(ours), '13812345678')
    assert.equal(Phone.decrypt(framework)!.digits, '13812345678', 'phones stored before')
    const shape = (cipher: string) => cipher.split('.').map((part, i) => (i ? part.length : part))
    assert.deepEqual(shape(ours), shape(framework))
    // One character of the cipher text changed: the tag no longer matches.
    const at = ours.indexOf('v1:') + 5
    const tampered = ours.slice(0, at) + (ours[at] === 'A' ? 'B' : 'A') + ours.slice(at + 1)
    assert.isNull(encryption.decrypt(tampered))
  })

  test('every encryption has its own IV, across refills of the IV pool', ({ assert }) => {
    const ivs = new Set(
      Array.from({ length: 2500 }, (_, i) => encryptField(String(i)).split('.')[2])
    )
    assert.equal(ivs.size, 2500)
  })

  test('blind index is the HMAC stored phones were indexed with', ({ assert }) => {
    const key = hkdfSync('sha256', env.get('APP_KEY').release(), 'quanzi', 'phone-blind-index', 32)
    const expected = createHmac('sha256', Buffer.from(key)).update('13812345678').digest('hex')
    assert.equal(Phone.parse('13812345678').blindIndex, expected)
  })

  test('blind index is stable per number and differs between numbers', ({ assert }) => {
    const a = Phone.parse('+86 13812345678').blindIndex
    assert.equal(a, Phone.parse('138-1234-5678').blindIndex)
    assert.notEqual(a, Phone.parse('13812345679').blindIndex)
    assert.match(a, /^[0-9a-f]{64}$/)
    assert.notInclude(a, '13812345678')
  })
})
