/**
 * Runs the fake 旺店通 企业版 API on its own, for trying the wangdiantong
 * connector by hand:
 *
 *   node --import @poppinss/ts-exec tests/fakes/wangdiantong/run.ts     (port 9331)
 *
 * Starts with a few orders and a refund modified in the last hours in the
 * shop `jd`; prints what to enter on the Plugins page.
 */
import { FakeWangdiantong } from './server.js'

const fake = new FakeWangdiantong()
const now = Date.now()
const at = (minutesAgo: number) => FakeWangdiantong.formatTime(now - minutesAgo * 60_000)
for (const [index, minutes] of [200, 120, 45, 15].entries()) {
  fake.trades.push({
    trade_no: `JY2026${1000 + index}`,
    src_tids: `JD8800${index}`,
    shop_no: 'JD01',
    shop_name: 'jd',
    trade_status: index === 0 ? 95 : 55,
    trade_time: at(minutes + 5),
    pay_time: at(minutes + 4),
    modified: at(minutes),
    paid: '88.00',
    goods_amount: '88.00',
    receiver_name: '赵小北',
    receiver_mobile: `1371000000${index}`,
    customer_no: `KH${index}`,
    goods_list: [{ spec_no: 'QZ-S-002', goods_name: '运动袜', num: '2', order_price: '44.00' }],
  })
}
fake.refunds.push({
  refund_no: 'TK20261000',
  tid: 'JD88000',
  shop_no: 'JD01',
  shop_name: 'jd',
  type: 2,
  process_status: 90,
  refund_amount: '88.00',
  actual_refund_amount: '88.00',
  refund_time: at(100),
  finish_time: at(30),
  modified: at(30),
  refund_reason: '尺码不合适',
})
const url = await fake.start(Number(process.env.FAKE_WDT_PORT ?? 9331))
console.log(`fake 旺店通 企业版 API listening on ${url}`)
console.log(`  接口地址:    ${url}`)
console.log(`  sid:         ${fake.sid}`)
console.log(`  appkey:      ${fake.appKey}`)
console.log(`  appsecret:   ${fake.appSecret}`)
console.log(`  warehouse:   ${[...fake.warehouses].join(', ')} (for stock pushes)`)
console.log(`  calls/s:     ${fake.perSecond}`)
process.once('SIGINT', () => void fake.stop().then(() => process.exit(0)))
