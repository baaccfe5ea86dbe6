import { test } from '@japa/runner'
import * as n from '#app/members/imports/normalise'

test.group('Import normalisation', () => {
  test('amounts in yuan become integer fen without floats', ({ assert }) => {
    assert.equal(n.amountFen('1,234.50'), 123450)
    assert.equal(n.amountFen('¥1,234.5'), 123450)
    assert.equal(n.amountFen('￥９９.９９'), 9999)
    assert.equal(n.amountFen('0.07'), 7)
    assert.equal(n.amountFen('1.10元'), 110)
    assert.isNull(n.amountFen(''))
    assert.throws(() => n.amountFen('-5'), 'negative_amount')
    assert.equal(n.amountFen('-5', { allowNegative: true }), -500)
    assert.throws(() => n.amountFen('1.234'), 'invalid_amount')
    assert.throws(() => n.amountFen('abc'), 'invalid_amount')
  })

  test('dates in the usual Chinese spellings, impossible ones refused', ({ assert }) => {
    const zone = 'Asia/Shanghai'
    assert.equal(n.dateTime('2024年3月5日', zone)!.toISODate(), '2024-03-05')
    assert.equal(n.dateTime('2024/3/5', zone)!.toISODate(), '2024-03-05')
    assert.equal(n.dateTime('２０２４－０３－０５', zone)!.toISODate(), '2024-03-05')
    assert.equal(n.dateTime('20240305', zone)!.toISODate(), '2024-03-05')
    assert.equal(
      n.dateTime('2024-03-05 10:20:30', zone)!.toUTC().toISO(),
      '2024-03-05T02:20:30.000Z'
    )
    assert.equal(n.dateTime('2024年3月5日 8时5分', zone)!.hour, 8)
    assert.throws(() => n.dateTime('2023-02-29', zone), 'impossible_date')
    assert.throws(() => n.dateTime('昨天', zone), 'invalid_date')
    assert.equal(n.date('1990-05-01')!.toISODate(), '1990-05-01')
  })

  test('phones, genders and e-mails', ({ assert }) => {
    assert.equal(n.phone('+86 138-0013-8000')!.digits, '13800138000')
    assert.equal(n.phone('１３８００１３８０００')!.digits, '13800138000')
    assert.throws(() => n.phone('12345'), 'invalid_phone')
    assert.equal(n.gender('男'), 'male')
    assert.equal(n.gender('F'), 'female')
    assert.isNull(n.gender(''))
    assert.throws(() => n.gender('x'), 'invalid_gender')
    assert.equal(n.email('Li@Example.CN'), 'li@example.cn')
    assert.throws(() => n.email('nope'), 'invalid_email')
  })
})
