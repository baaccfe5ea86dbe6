import { test } from '@japa/runner'
import { InProcessRateGate, type Clock } from '#app/plugins/rate_gates'
import { shopMap, toOrder, toRefund } from '#plugins/jushuitan/index'
import { chinaTime, parseChinaTime, yuanToFen } from '#plugin-sdk'

/** A clock that only moves when someone sleeps. */
function fakeClock(): Clock & { t: number } {
  const clock = {
    t: 0,
    now: () => clock.t,
    sleep: async (ms: number) => {
      clock.t += ms
    },
  }
  return clock
}

test.group('Plugins / rate gate limits', () => {
  test('5 a second: calls are spaced a little over 200 ms apart', async ({ assert }) => {
    const clock = fakeClock()
    const limiter = new InProcessRateGate(clock)
    const starts: number[] = []
    for (let i = 0; i < 11; i++) {
      await limiter.take('k', { perSecond: 5, margin: 1.05 })
      starts.push(clock.now())
    }
    for (let i = 5; i < starts.length; i++) {
      // Any six consecutive calls span more than a second.
      assert.isAbove(starts[i] - starts[i - 5], 1000)
    }
    assert.isBelow(starts[10], 2200)
  })

  test('100 a minute: the 101st call waits until the first is a minute old', async ({ assert }) => {
    const clock = fakeClock()
    const limiter = new InProcessRateGate(clock)
    const starts: number[] = []
    for (let i = 0; i < 205; i++) {
      await limiter.take('k', { perSecond: 5, perMinute: 100, margin: 1.05 })
      starts.push(clock.now())
    }
    for (let i = 100; i < starts.length; i++) {
      assert.isAbove(starts[i] - starts[i - 100], 60_000)
    }
    // Other keys are not held up.
    const before = clock.now()
    await limiter.take('other', { perSecond: 5, perMinute: 100, margin: 1.05 })
    assert.equal(clock.now(), before)
  })
})

test.group('Plugins / jushuitan mapping', () => {
  test('China time both ways, yuan to fen without rounding', ({ assert }) => {
    assert.equal(chinaTime(new Date('2026-03-01T16:30:05Z')), '2026-03-02 00:30:05')
    assert.equal(parseChinaTime('2026-03-02 00:30:05')!.toISOString(), '2026-03-01T16:30:05.000Z')
    assert.isNull(parseChinaTime('yesterday'))
    assert.equal(yuanToFen('199.5'), 19950)
    assert.equal(yuanToFen(12.3), 1230)
    assert.equal(yuanToFen('8.100'), 810)
    assert.isNull(yuanToFen('8.105'))
  })

  test('an order and an after-sale become Quanzi rows', ({ assert }) => {
    const shops = shopMap('10001=天猫旗舰店\n bad line \n')
    const order = toOrder(
      {
        so_id: 'TB1',
        shop_id: 10001,
        shop_name: 'x',
        status: 'Sent',
        order_date: '2026-03-01 10:00:00',
        pay_date: '2026-03-01 10:01:00',
        pay_amount: '298.00',
        receiver_mobile: '138****0000',
        receiver_name: '王',
        shop_buyer_id: 'b1',
        items: [{ sku_id: 'A', name: 'T', qty: 2, price: '149.00' }],
      },
      shops
    )
    assert.equal(order.shopCode, '天猫旗舰店')
    assert.equal(order.status, 'shipped')
    assert.equal(order.paidFen, 29800)
    assert.equal(order.goodsFen, 29800)
    assert.isNull(order.buyer.phone)
    assert.equal(order.buyer.erpCustomerId, 'b1')
    assert.equal(order.orderedAt.toISOString(), '2026-03-01T02:00:00.000Z')
    const refund = toRefund(
      {
        as_id: 9,
        so_id: 'TB1',
        shop_name: 'tmall',
        status: 'Cancelled',
        refund: '10',
        as_date: '2026-03-02 08:00:00',
      },
      shops
    )
    assert.equal(refund.platformRefundNo, '9')
    assert.equal(refund.status, 'cancelled')
    assert.equal(refund.amountFen, 1000)
    assert.equal(refund.shopCode, 'tmall')
  })
})
