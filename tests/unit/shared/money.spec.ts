import { test } from '@japa/runner'
import fc from 'fast-check'
import { Money, allocateInteger, roundHalfAwayFromZero } from '#app/shared/kernel/money'
import { Points } from '#app/shared/kernel/points'
import { decodeCursor, encodeCursor } from '#app/shared/kernel/pagination'

test.group('Money', () => {
  test('parses {$self}')
    .with(['1,234.50', '¥1,234.5', '￥ 1234.50', '１２３４．５', '1234.50元'])
    .run(({ assert }, input) => {
      assert.equal(Money.parseYuan(input)!.fen, 123450)
    })

  test('refuses {$self}')
    .with(['12.345', 'abc', '', '1.2.3', '¥', '--1'])
    .run(({ assert }, input) => {
      assert.isNull(Money.parseYuan(input))
    })

  test('formats with thousands separators and a sign', ({ assert }) => {
    assert.equal(Money.fen(123450).format(), '¥1,234.50')
    assert.equal(Money.fen(-5).format(), '-¥0.05')
    assert.equal(Money.fen(100).toYuanString(), '1.00')
  })

  test('rounds half away from zero', ({ assert }) => {
    assert.equal(roundHalfAwayFromZero(5, 2), 3)
    assert.equal(roundHalfAwayFromZero(-5, 2), -3)
    assert.equal(roundHalfAwayFromZero(4, 3), 1)
    assert.equal(Money.fen(999).times(1, 3).fen, 333)
  })

  test('rejects fractional fen', ({ assert }) => {
    assert.throws(() => Money.fen(1.5))
    assert.throws(() => Points.of(0.1))
  })

  test('parse ∘ toYuanString is the identity for every amount', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), (fen) => {
        return Money.parseYuan(Money.fen(fen).toYuanString())!.fen === fen
      })
    )
  })

  test('allocations always sum exactly and stay proportional within one unit', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e9, max: 1e9 }),
        fc.array(fc.integer({ min: 0, max: 1e6 }), { minLength: 1, maxLength: 30 }),
        (total, weights) => {
          const shares = allocateInteger(total, weights)
          const sum = weights.reduce((a, b) => a + b, 0)
          if (shares.reduce((a, b) => a + b, 0) !== total) return false
          return shares.every((share, i) => {
            const exact = sum === 0 ? total / weights.length : (total * weights[i]) / sum
            return Number.isInteger(share) && Math.abs(share - exact) < 1 + 1e-9
          })
        }
      )
    )
  })

  test('money and points allocate the same way', ({ assert }) => {
    assert.deepEqual(
      Money.fen(100)
        .allocate([1, 1, 1])
        .map((m) => m.fen),
      [34, 33, 33]
    )
    assert.deepEqual(
      Points.of(100)
        .allocate([1, 1, 1])
        .map((p) => p.value),
      [34, 33, 33]
    )
  })
})

test.group('Keyset cursor', () => {
  test('round-trips any value and id', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.integer(), fc.constant(null)), fc.nat(), (value, id) => {
        const decoded = decodeCursor(encodeCursor(value, id))
        return decoded !== null && decoded.value === value && decoded.id === id
      })
    )
  })

  test('garbage reads as the first page', ({ assert }) => {
    assert.isNull(decodeCursor('not-a-cursor'))
    assert.isNull(decodeCursor(Buffer.from('[{"x":1},2]').toString('base64url')))
    assert.isNull(decodeCursor(null))
  })
})
