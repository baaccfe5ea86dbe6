/**
 * Runs the fake 聚水潭 open platform on its own, for trying the jushuitan
 * connector by hand:
 *
 *   node --import @poppinss/ts-exec tests/fakes/jushuitan/run.ts        (port 9321)
 *
 * It starts with a few orders and after-sales modified in the last hours in
 * the shops `tmall` and `jd`; prints what to enter on the Plugins page.
 */
import { FakeJushuitan } from './server.js'

const fake = new FakeJushuitan()
const now = Date.now()
const at = (minutesAgo: number) => FakeJushuitan.formatTime(now - minutesAgo * 60_000)
for (const [index, minutes] of [300, 180, 90, 30].entries()) {
  fake.orders.push({
    o_id: 5000 + index,
    so_id: `TB2026${1000 + index}`,
    shop_id: 10001,
    shop_name: 'tmall',
    status: index === 0 ? 'Sent' : 'WaitConfirm',
    order_date: at(minutes + 5),
    pay_date: at(minutes + 4),
    modified: at(minutes),
    pay_amount: '199.00',
    receiver_name: '李小芳',
    receiver_mobile: `1380013800${index}`,
    shop_buyer_id: `tb_buyer_${index}`,
    items: [{ sku_id: 'QZ-T-001', name: '纯棉T恤', qty: 1, price: '199.00', amount: '199.00' }],
  })
}
fake.refunds.push({
  as_id: 7001,
  o_id: 5000,
  so_id: 'TB20261000',
  shop_id: 10001,
  shop_name: 'tmall',
  status: 'Confirmed',
  type: '仅退款',
  refund: '199.00',
  as_date: at(60),
  modified: at(20),
  confirm_date: at(20),
  question_type: '七天无理由退换货',
  items: [{ sku_id: 'QZ-T-001', qty: 1, price: '199.00' }],
})
const url = await fake.start(Number(process.env.FAKE_JST_PORT ?? 9321))
console.log(`fake 聚水潭 open platform listening on ${url}`)
console.log(`  接入地址:    ${url}`)
console.log(`  app_key:     ${fake.appKey}`)
console.log(`  app_secret:  ${fake.appSecret}`)
console.log(
  `  shops:       ${fake.shops.map((s) => s.shop_name).join(', ')} (name Quanzi shops the same)`
)
console.log(`  state:       GET ${url}/_fake/state`)
process.once('SIGINT', () => void fake.stop().then(() => process.exit(0)))
