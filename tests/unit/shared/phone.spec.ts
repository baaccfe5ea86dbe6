import { test } from '@japa/runner'
import { Phone } from '#app/shared/kernel/phone'

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

  test('blind index is stable per number and differs between numbers', ({ assert }) => {
    const a = Phone.parse('+86 13812345678').blindIndex
    assert.equal(a, Phone.parse('138-1234-5678').blindIndex)
    assert.notEqual(a, Phone.parse('13812345679').blindIndex)
    assert.match(a, /^[0-9a-f]{64}$/)
    assert.notInclude(a, '13812345678')
  })
})
