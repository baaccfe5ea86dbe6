import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import encryption from '@adonisjs/core/services/encryption'
import db from '@adonisjs/lucid/services/db'
import { pluginHost } from '#app/plugins/plugin_host'
import PluginSetting from '#app/plugins/models/plugin_setting'
import { ErpSync } from '#app/plugins/erp/sync_engine'
import { PushStock } from '#app/plugins/erp/stock_push'
import { rateGate } from '#app/plugins/rate_gate'
import queue from '#app/shared/queue/queue'
import { wdtSign } from '#plugins/wangdiantong/protocol'
import { orderStatus, refundStatus, toOrder } from '#plugins/wangdiantong/index'
import {
  FakeWangdiantong,
  type FakeWdtApiGoods,
  type FakeWdtTrade,
} from '#tests/fakes/wangdiantong/server'
import { erpRegistry } from '#app/plugins/registries'
import { createCompanyWithShops, countRows } from '#tests/functional/members/fixtures'
import { createStaff } from '#tests/support/staff'

const at = (minutesAgo: number) => FakeWangdiantong.formatTime(Date.now() - minutesAgo * 60_000)

function trade(n: number, minutesAgo: number, overrides: Partial<FakeWdtTrade> = {}): FakeWdtTrade {
  return {
    trade_no: `JY${20260000 + n}`,
    src_tids: `JD${7000000 + n}`,
    shop_no: 'JD01',
    shop_name: 'jd',
    trade_status: 55,
    trade_time: at(minutesAgo + 5),
    pay_time: at(minutesAgo + 4),
    modified: at(minutesAgo),
    paid: '88.00',
    goods_amount: '88.00',
    receiver_name: '赵小北',
    receiver_mobile: `137${String(10000000 + n).padStart(8, '0')}`,
    customer_no: `KH${n}`,
    goods_list: [{ spec_no: 'QZ-S-002', goods_name: '运动袜', num: '2', order_price: '44.00' }],
    ...overrides,
  }
}

/** A platform listing matched to the single item `merchantNo` ('' = unmatched), modified `minutesAgo`. */
function apiGoods(
  n: number,
  outerId: string,
  merchantNo: string,
  minutesAgo: number,
  overrides: Partial<FakeWdtApiGoods> = {}
): FakeWdtApiGoods {
  return {
    rec_id: n,
    shop_no: 'JD01',
    shop_name: 'jd',
    platform_id: 3,
    api_goods_id: `G${n}`,
    api_spec_id: `S${n}`,
    api_goods_name: '运动袜',
    spec_outer_id: outerId,
    outer_id: outerId,
    match_target_type: 1,
    merchant_no: merchantNo,
    is_deleted: 0,
    status: 1,
    modified: at(minutesAgo),
    ...overrides,
  }
}

async function configure(fake: FakeWangdiantong, extra: Record<string, unknown> = {}) {
  await PluginSetting.create({
    pluginId: 'wangdiantong',
    enabled: true,
    config: {
      baseUrl: fake.url,
      sid: fake.sid,
      appKey: fake.appKey,
      appSecret: { encrypted: encryption.encrypt(fake.appSecret) },
      ratePerSecond: 5,
      warehouseNo: 'WH001',
      isAdjustStock: '1',
      syncEveryMinutes: 15,
      ...extra,
    },
  })
  await pluginHost.load()
  const state = pluginHost.get('wangdiantong')
  if (state?.status !== 'active') throw new Error(`wangdiantong: ${state?.status} ${state?.reason}`)
}

async function rawCall(fake: FakeWangdiantong, method: string, params: Record<string, string>) {
  const full: Record<string, string> = {
    sid: fake.sid,
    appkey: fake.appKey,
    timestamp: String(Math.floor(Date.now() / 1000)),
    ...params,
  }
  full.sign = params.sign ?? wdtSign(full, fake.appSecret)
  const response = await fetch(`${fake.url}/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(full).toString(),
  })
  return (await response.json()) as { code: number; message: string; [key: string]: any }
}

test.group('Plugins / wangdiantong (旺店通 企业版)', (group) => {
  let fake: FakeWangdiantong
  group.each.setup(async () => {
    await rateGate().reset()
    fake = new FakeWangdiantong()
    await fake.start()
    const rollback = await testUtils.db().withGlobalTransaction()
    return async () => {
      await queue.drain()
      await rollback()
      await pluginHost.load()
      await fake.stop()
    }
  })

  test('signs the documentation example; the fake agrees with its own code, Chinese included', ({
    assert,
  }) => {
    const example = {
      appkey: 'test2-xx',
      page_no: '0',
      end_time: '2016-08-01 13:00:00',
      start_time: '2016-08-01 12:00:00',
      page_size: '40',
      sid: 'test2',
      timestamp: '1470042310',
    }
    assert.equal(wdtSign(example, '12345'), 'ad4e6fe037ea6e3ba4768317be9d1309')
    assert.equal(FakeWangdiantong.sign(example, '12345'), 'ad4e6fe037ea6e3ba4768317be9d1309')
    const chinese = { ...example, shop_no: '天猫旗舰店' }
    assert.equal(wdtSign(chinese, '12345'), FakeWangdiantong.sign(chinese, '12345'))
  })

  test('the fake refuses a bad signature, a stale timestamp and a window over an hour', async ({
    assert,
  }) => {
    const window = { start_time: at(30), end_time: at(0), page_no: '0', page_size: '10' }
    const ok = await rawCall(fake, 'trade_query.php', window)
    assert.equal(ok.code, 0)
    const badSign = await rawCall(fake, 'trade_query.php', { ...window, sign: 'f'.repeat(32) })
    assert.equal(badSign.code, 100)
    assert.equal(badSign.message, '无效sign')
    const stale = String(Math.floor(Date.now() / 1000) - 6 * 60)
    const staleAnswer = await rawCall(fake, 'trade_query.php', { ...window, timestamp: stale })
    assert.equal(staleAnswer.message, '无效timestamp')
    const long = await rawCall(fake, 'trade_query.php', { ...window, start_time: at(61) })
    assert.equal(long.code, 1)
  })

  test('orders and refunds land through the upsert in 60-minute windows and pages; a second run imports nothing new', async ({
    assert,
  }) => {
    await createCompanyWithShops()
    await configure(fake)
    // 105 orders in one hour (two pages of 100), two more in other hours; a merged order.
    fake.trades = Array.from({ length: 105 }, (_, i) => trade(i, 30 + (i % 50) * 0.5))
    fake.trades.push(trade(200, 150, { trade_status: 95 }), trade(201, 170, { trade_status: 5 }))
    fake.trades.push(trade(202, 100, { src_tids: 'JD1,JD2', receiver_mobile: null }))
    fake.refunds = [
      {
        refund_no: 'TK20260001',
        tid: 'JD7000200',
        shop_no: 'JD01',
        shop_name: 'jd',
        type: 2,
        process_status: 90,
        refund_amount: '88.00',
        actual_refund_amount: '80.00',
        refund_time: at(90),
        finish_time: at(40),
        modified: at(40),
        refund_reason: '尺码不合适',
      },
    ]
    const sync = () => new ErpSync({ initialLookbackMinutes: 4 * 60, overlapMinutes: 10 })
    const orders = await sync().run('wangdiantong', 'orders')
    assert.equal(orders.status, 'completed', orders.errorMessage ?? '')
    assert.equal(orders.windows, 4)
    assert.equal(orders.inserted, 108)
    assert.equal(await countRows('orders'), 108)
    assert.isTrue(fake.requests.some((r) => r.params.page_no === '1'))
    assert.isTrue(fake.requests.every((r) => r.code === 0))
    const merged = await db.from('orders').where('platform_order_no', 'JY20260202').firstOrFail()
    assert.equal(merged.status, 'paid')
    const shipped = await db.from('orders').where('platform_order_no', 'JD7000200').firstOrFail()
    assert.equal(shipped.status, 'shipped')

    const refunds = await sync().run('wangdiantong', 'refunds')
    assert.equal(refunds.status, 'completed', refunds.errorMessage ?? '')
    assert.equal(refunds.inserted, 1)
    const refund = await db.from('refunds').firstOrFail()
    assert.equal(Number(refund.amount_fen), 8000)
    assert.equal(refund.status, 'completed')

    const again = await sync().run('wangdiantong', 'orders')
    assert.equal(again.inserted + again.updated, 0)
    const refundsAgain = await sync().run('wangdiantong', 'refunds')
    assert.equal(refundsAgain.inserted + refundsAgain.updated, 0)
  })

  test('calls above the account limit are refused; the connector stays under its declared rate', async ({
    assert,
  }) => {
    await createCompanyWithShops()
    await configure(fake, { ratePerSecond: 2 })
    fake.perSecond = 2
    const burst = await Promise.all(
      [1, 2, 3].map(() =>
        rawCall(fake, 'trade_query.php', {
          start_time: at(10),
          end_time: at(0),
          page_no: '0',
          page_size: '1',
        })
      )
    )
    assert.include(
      burst.map((r) => r.code),
      1020
    )
    await new Promise((resolve) => setTimeout(resolve, 1100))
    fake.requests = []
    const summary = await new ErpSync({ initialLookbackMinutes: 150 }).run('wangdiantong', 'orders')
    assert.equal(summary.status, 'completed', summary.errorMessage ?? '')
    assert.equal(summary.windows, 3)
    assert.deepEqual(fake.codes(), [0, 0, 0])
  })

  test('a bad secret is an auth error on the connection test and fails the run', async ({
    assert,
  }) => {
    await createCompanyWithShops()
    await configure(fake)
    fake.appSecret = 'rotated-at-wangdiantong'
    const result = await pluginHost.testConnection('wangdiantong')
    assert.isFalse(result.ok)
    assert.include(result.detail, '旺店通 100: 无效sign')
    const summary = await new ErpSync().run('wangdiantong', 'orders')
    assert.equal(summary.status, 'failed')
    assert.include(summary.errorMessage!, '旺店通 100')
  })

  test('stock: one count per idempotency key, sent as outer_no', async ({ assert }) => {
    await createCompanyWithShops()
    await configure(fake)
    const items = [{ skuCode: 'QZ-S-002', quantity: 35 }]
    const first = await new PushStock().handle('wangdiantong', items, 'pd-2026-03-01')
    assert.equal(first.outcome, 'pushed', first.errorMessage ?? '')
    const second = await new PushStock().handle('wangdiantong', items, 'pd-2026-03-01')
    assert.equal(second.outcome, 'duplicate')
    assert.equal(fake.stockCounts.size, 1)
    assert.deepEqual(fake.stockCounts.get('pd-2026-03-01'), {
      warehouse_no: 'WH001',
      is_adjust_stock: '1',
      goods_list: [{ spec_no: 'QZ-S-002', stock_num: 35 }],
    })
    assert.deepEqual(fake.codes('stock_sync_by_pd.php'), [0])
  })

  test('stock: a count refused for the rate (1020) was not made, so it is sent once more', async ({
    assert,
  }) => {
    await createCompanyWithShops()
    await configure(fake)
    // The account allows less than we declared: this second's share is used up.
    fake.perSecond = 1
    await rawCall(fake, 'trade_query.php', {
      start_time: at(10),
      end_time: at(0),
      page_no: '0',
      page_size: '1',
    })
    const items = [{ skuCode: 'QZ-S-002', quantity: 9 }]
    const pushed = await new PushStock().handle('wangdiantong', items, 'pd-throttled')
    assert.equal(pushed.outcome, 'pushed', pushed.errorMessage ?? '')
    assert.deepEqual(fake.codes('stock_sync_by_pd.php'), [1020, 0])
    assert.equal(fake.stockCounts.size, 1)
  })

  test('SKU mappings (vip_api_goods_query): read in 30-day windows and pages from 0; order lines land on the shop codes, stock goes out in 旺店通 codes; later reads ask only for what changed', async ({
    assert,
  }) => {
    await createCompanyWithShops()
    await configure(fake, { skuMappingDays: 40 })
    // 105 matched listings in the last day (two pages of 100), one 35 days back (a second
    // window), one unmatched and one matched to a suite (neither is a mapping).
    fake.apiGoods = Array.from({ length: 105 }, (_, i) =>
      apiGoods(i, `JD-SOCK-${i}`, `QZ-S-${i}`, 30 + i)
    )
    fake.apiGoods.push(apiGoods(200, 'JD-OLD', 'QZ-S-OLD', 35 * 24 * 60))
    fake.apiGoods.push(
      apiGoods(201, 'JD-FREE', '', 40),
      apiGoods(202, 'JD-SUITE', 'SUITE-1', 40, { match_target_type: 2 })
    )
    fake.trades = [
      trade(1, 20, {
        goods_list: [
          { spec_no: 'QZ-S-2', goods_name: '运动袜', num: '1', order_price: '44.00' },
          { spec_no: 'QZ-S-OLD', goods_name: '旧袜', num: '1', order_price: '10.00' },
          { spec_no: 'SUITE-1', goods_name: '套装', num: '1', order_price: '34.00' },
        ],
      }),
    ]

    const summary = await new ErpSync().run('wangdiantong', 'orders')
    assert.equal(summary.status, 'completed', summary.errorMessage ?? '')
    const lines = await db.from('order_items').orderBy('id').select('sku_code')
    assert.deepEqual(
      lines.map((line) => line.sku_code),
      ['JD-SOCK-2', 'JD-OLD', 'SUITE-1']
    )
    const reads = fake.answered('vip_api_goods_query.php')
    assert.isTrue(reads.every((r) => r.code === 0))
    assert.isTrue(reads.some((r) => r.params.page_no === '1'))
    assert.lengthOf(new Set(reads.map((r) => r.params.start_time)), 2)

    const pushed = await new PushStock().handle(
      'wangdiantong',
      [{ skuCode: 'JD-SOCK-3', quantity: 12 }],
      'pd-mapped-1'
    )
    assert.equal(pushed.outcome, 'pushed', pushed.errorMessage ?? '')
    assert.deepEqual(fake.stockCounts.get('pd-mapped-1')!.goods_list, [
      { spec_no: 'QZ-S-3', stock_num: 12 },
    ])
    const later = fake.answered('vip_api_goods_query.php').slice(reads.length)
    assert.lengthOf(later, 1)
    assert.isAbove(FakeWangdiantong.parseTime(later[0].params.start_time), Date.now() - 3600_000)

    // A listing matched to another item since: the newest match counts.
    Object.assign(fake.apiGoods[4], { merchant_no: 'QZ-S-NEW', modified: at(0) })
    const mappings = await erpRegistry.get('wangdiantong')!.skuMappings!()
    assert.deepInclude(mappings, { erpSku: 'QZ-S-NEW', skuCode: 'JD-SOCK-4' })
    assert.notDeepInclude(mappings, { erpSku: 'QZ-S-4', skuCode: 'JD-SOCK-4' })
    assert.lengthOf(mappings, 106)
  })

  test('SKU mappings: one shop only when configured (shop_no); off by default; a refused query fails the run', async ({
    assert,
  }) => {
    await createCompanyWithShops()
    fake.apiGoods = [
      apiGoods(1, 'JD-1', 'QZ-S-1', 30),
      apiGoods(2, 'TM-1', 'QZ-S-1', 30, { shop_no: 'TM01', shop_name: 'tmall' }),
    ]
    fake.trades = [
      trade(1, 20, {
        goods_list: [{ spec_no: 'QZ-S-1', goods_name: '袜', num: '1', order_price: '1.00' }],
      }),
    ]
    await configure(fake)
    assert.isUndefined(erpRegistry.get('wangdiantong')!.skuMappings)
    await db.from('plugin_settings').where('plugin_id', 'wangdiantong').delete()

    await configure(fake, { skuMappingDays: 3, skuMappingShopNo: 'TM01' })
    const summary = await new ErpSync().run('wangdiantong', 'orders')
    assert.equal(summary.status, 'completed', summary.errorMessage ?? '')
    const line = await db.from('order_items').firstOrFail()
    assert.equal(line.sku_code, 'TM-1')
    const reads = fake.requests.filter((r) => r.method === 'vip_api_goods_query.php')
    assert.isTrue(reads.every((r) => r.params.shop_no === 'TM01'))

    // The fake refuses a goods window over 30 days (code 1): the run fails with the code.
    fake.maxGoodsWindowMs = 60_000
    // (Not throttled: the run's calls just used this second's share.)
    fake.perSecond = 100
    const refused = await rawCall(fake, 'vip_api_goods_query.php', {
      start_time: at(10),
      end_time: at(0),
      page_no: '0',
      page_size: '100',
    })
    assert.equal(refused.code, 1)
    await db.from('plugin_settings').where('plugin_id', 'wangdiantong').delete()
    await db.from('plugin_kv').where('plugin_id', 'wangdiantong').delete()
    await configure(fake, { skuMappingDays: 3 })
    // Mappings are read for a page with order lines: a new order since the last run.
    fake.trades.push(trade(2, 3))
    const failed = await new ErpSync().run('wangdiantong', 'orders')
    assert.equal(failed.status, 'failed')
    assert.include(failed.errorMessage!, '旺店通 1')
  })

  test('stock from the plugin page: the same form twice pushes once', async ({
    client,
    assert,
  }) => {
    await createCompanyWithShops()
    await configure(fake)
    const admin = await createStaff('admin')
    const page = await client.get('/settings/plugins/wangdiantong').loginAs(admin)
    page.assertStatus(200)
    assert.include(page.text(), 'data-testid="erp-stock-form"')
    for (let i = 0; i < 2; i++) {
      const posted = await client
        .post('/settings/plugins/wangdiantong/stock')
        .loginAs(admin)
        .withCsrfToken()
        .form({ key: 'form-1', lines: 'QZ-S-002=35\nQZ-T-001 = 4' })
        .redirects(0)
      posted.assertFlashMessage('success', '库存推送（2 个商品）已加入后台任务。')
      await queue.drain()
    }
    assert.equal(fake.stockCounts.size, 1)
    const runs = await db.from('erp_sync_runs').where({ connector: 'wangdiantong', kind: 'stock' })
    assert.lengthOf(runs, 1)
    const audits = await db
      .from('audit_events')
      .where({ entity_type: 'plugin', entity_id: 'wangdiantong', action: 'push_stock' })
    assert.lengthOf(audits, 2)

    const bad = await client
      .post('/settings/plugins/wangdiantong/stock')
      .loginAs(admin)
      .withCsrfToken()
      .form({ key: 'form-2', lines: 'QZ-S-002=-3' })
      .redirects(0)
    bad.assertStatus(302)
    assert.equal(fake.stockCounts.size, 1)
  })

  test('status codes and a merged order map as documented', ({ assert }) => {
    assert.equal(orderStatus(5), 'closed')
    assert.equal(orderStatus(10), 'pending')
    assert.equal(orderStatus(30), 'paid')
    assert.equal(orderStatus(95), 'shipped')
    assert.equal(orderStatus(110), 'completed')
    assert.equal(refundStatus(20), 'requested')
    assert.equal(refundStatus(40), 'rejected')
    assert.equal(refundStatus(10), 'cancelled')
    const merged = toOrder(
      trade(1, 10, { src_tids: 'A,B', receiver_mobile: '137****0000' }),
      new Map()
    )
    assert.equal(merged.platformOrderNo, 'JY20260001')
    assert.isNull(merged.buyer.phone)
    assert.equal(merged.items[0].priceFen, 4400)
  })
})
