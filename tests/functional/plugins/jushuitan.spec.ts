import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import encryption from '@adonisjs/core/services/encryption'
import db from '@adonisjs/lucid/services/db'
import { pluginHost } from '#app/plugins/plugin_host'
import PluginSetting from '#app/plugins/models/plugin_setting'
import { ErpSync } from '#app/plugins/erp/sync_engine'
import { PushStock } from '#app/plugins/erp/stock_push'
import { erpRegistry } from '#app/plugins/registries'
import { rateGate } from '#app/plugins/rate_gate'
import { PluginKv } from '#app/plugins/kv_store'
import queue from '#app/shared/queue/queue'
import { DateTime } from 'luxon'
import { jushuitanSign } from '#plugins/jushuitan/protocol'
import { TOKEN_KEY, type StoredToken } from '#plugins/jushuitan/client'
import { FakeJushuitan, type FakeJstOrder, type FakeJstSkuMap } from '#tests/fakes/jushuitan/server'
import { createCompanyWithShops, countRows } from '#tests/functional/members/fixtures'
import { createStaff } from '#tests/support/staff'
import { toDbTime } from '#app/shared/kernel/db_values'

const at = (minutesAgo: number) => FakeJushuitan.formatTime(Date.now() - minutesAgo * 60_000)

function order(n: number, minutesAgo: number, overrides: Partial<FakeJstOrder> = {}): FakeJstOrder {
  return {
    o_id: 5000 + n,
    so_id: `TB${20260000 + n}`,
    shop_id: 10001,
    shop_name: 'tmall',
    status: 'WaitConfirm',
    order_date: at(minutesAgo + 3),
    pay_date: at(minutesAgo + 2),
    modified: at(minutesAgo),
    pay_amount: '199.00',
    receiver_name: '李小芳',
    receiver_mobile: `139${String(10000000 + n).padStart(8, '0')}`,
    shop_buyer_id: `tb_${n}`,
    items: [{ sku_id: 'QZ-T-001', name: '纯棉T恤', qty: 1, price: '199.00', amount: '199.00' }],
    ...overrides,
  }
}

async function configure(fake: FakeJushuitan, extra: Record<string, unknown> = {}) {
  await PluginSetting.create({
    pluginId: 'jushuitan',
    enabled: true,
    config: {
      baseUrl: fake.url,
      appKey: fake.appKey,
      appSecret: { encrypted: encryption.encrypt(fake.appSecret) },
      stockWarehouse: 1,
      syncEveryMinutes: 15,
      ...extra,
    },
  })
  await pluginHost.load()
  const state = pluginHost.get('jushuitan')
  if (state?.status !== 'active') throw new Error(`jushuitan: ${state?.status} ${state?.reason}`)
}

/** A shop listing linked to the ERP SKU `linkSkuId` ('' = not linked), modified `minutesAgo`. */
function listing(
  onlineCode: string,
  linkSkuId: string,
  minutesAgo: number,
  overrides: Partial<FakeJstSkuMap> = {}
): FakeJstSkuMap {
  return {
    shop_id: 10001,
    channel: 'tmall',
    sku_id: onlineCode,
    i_id: onlineCode.replace(/-\d+$/, ''),
    shop_sku_id: `5${onlineCode.length}${minutesAgo}`,
    shop_i_id: '6500001',
    name: '纯棉T恤',
    enabled: true,
    modified: at(minutesAgo),
    link_modified: at(minutesAgo),
    link_sku_id: linkSkuId,
    ...overrides,
  }
}

/** A signed business request as the connector would send it, for poking the fake directly. */
async function rawCall(fake: FakeJushuitan, path: string, overrides: Record<string, string> = {}) {
  const params: Record<string, string> = {
    app_key: fake.appKey,
    access_token: 'none',
    timestamp: String(Math.floor(Date.now() / 1000)),
    charset: 'utf-8',
    version: '2',
    biz: JSON.stringify({ page_index: 1, page_size: 10 }),
    ...overrides,
  }
  params.sign = overrides.sign ?? jushuitanSign(params, fake.appSecret)
  const response = await fetch(`${fake.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params).toString(),
  })
  return (await response.json()) as { code: number; msg: string; data: any }
}

test.group('Plugins / jushuitan (聚水潭)', (group) => {
  let fake: FakeJushuitan
  group.each.setup(async () => {
    await rateGate().reset()
    fake = new FakeJushuitan()
    await fake.start()
    const rollback = await testUtils.db().withGlobalTransaction()
    return async () => {
      await queue.drain()
      await rollback()
      await pluginHost.load()
      await fake.stop()
    }
  })

  test('signs like the published example, and the fake checks it with its own code', ({
    assert,
  }) => {
    const params = { timestamp: '100', app_key: 'app', charset: 'utf-8' }
    assert.equal(jushuitanSign(params, 'secret'), '706427ca94e342781ac36d501151cb10')
    assert.equal(FakeJushuitan.sign(params, 'secret'), '706427ca94e342781ac36d501151cb10')
  })

  test('the fake refuses a bad signature, a stale timestamp, a dead token and a long window', async ({
    assert,
  }) => {
    const badSign = await rawCall(fake, '/open/shops/query', { sign: 'x'.repeat(32) })
    assert.equal(badSign.code, 120)
    const stale = String(Math.floor(Date.now() / 1000) - 11 * 60)
    const staleAnswer = await rawCall(fake, '/open/shops/query', { timestamp: stale })
    assert.equal(staleAnswer.code, 180)
    const noToken = await rawCall(fake, '/open/shops/query')
    assert.equal(noToken.code, 100)

    const token = await rawCall(fake, '/openWeb/auth/getInitToken', {
      grant_type: 'authorization_code',
      code: 'abc123',
      access_token: '',
      version: '',
      biz: '',
    })
    assert.equal(token.code, 0)
    const accessToken = token.data.access_token
    const long = JSON.stringify({
      modified_begin: at(8 * 24 * 60),
      modified_end: at(0),
      page_index: 1,
      page_size: 50,
    })
    const refused = await rawCall(fake, '/open/orders/single/query', {
      access_token: accessToken,
      biz: long,
    })
    assert.equal(refused.code, 140)
    assert.include(refused.msg, '7 天')
  })

  test('the fake holds each app to 5 calls a second (199) and its minute limit (200)', async ({
    assert,
  }) => {
    fake.perMinute = 8
    const burst = await Promise.all(
      Array.from({ length: 6 }, () =>
        rawCall(fake, '/openWeb/auth/getInitToken', {
          grant_type: 'authorization_code',
          code: 'abc123',
        })
      )
    )
    assert.deepEqual(
      burst.map((r) => r.code).sort((a, b) => a - b),
      [0, 0, 0, 0, 0, 199]
    )
    await new Promise((resolve) => setTimeout(resolve, 1100))
    const more = []
    for (let i = 0; i < 4; i++) {
      const answer = await rawCall(fake, '/openWeb/auth/getInitToken', {
        grant_type: 'authorization_code',
        code: 'abc123',
      })
      more.push(answer.code)
    }
    assert.deepEqual(more, [0, 0, 0, 200])
  })

  test('gets an initial token into the KV store; on code 100 refreshes it and retries once', async ({
    assert,
  }) => {
    await createCompanyWithShops()
    await configure(fake)
    fake.orders = [order(1, 30)]
    const result = await pluginHost.testConnection('jushuitan')
    assert.isTrue(result.ok, result.detail)
    assert.include(result.detail, 'tmall')
    const first = await new PluginKv('jushuitan').get<StoredToken>(TOKEN_KEY)
    assert.exists(first?.accessToken)
    assert.deepEqual(fake.codes('/openWeb/auth/getInitToken'), [0])

    fake.expireTokens()
    const connector = erpRegistry.get('jushuitan')!
    const page = await connector.pullOrders({
      from: new Date(Date.now() - 3600_000),
      to: new Date(),
      cursor: null,
    })
    assert.lengthOf(page.rows, 1)
    assert.deepEqual(fake.codes('/open/orders/single/query'), [100, 0])
    assert.deepEqual(fake.codes('/openWeb/auth/refreshToken'), [0])
    const second = await new PluginKv('jushuitan').get<StoredToken>(TOKEN_KEY)
    assert.notEqual(second!.accessToken, first!.accessToken)
    assert.deepEqual(fake.codes('/openWeb/auth/getInitToken'), [0])
  })

  test('refreshes the token before it expires, without waiting for a refusal', async ({
    assert,
  }) => {
    await createCompanyWithShops()
    await configure(fake)
    const tested = await pluginHost.testConnection('jushuitan')
    assert.isTrue(tested.ok)
    const kv = new PluginKv('jushuitan')
    const token = (await kv.get<StoredToken>(TOKEN_KEY))!
    // Thirty days' lifetime: the refresh is due a day before expiry.
    assert.approximately(
      Date.parse(token.expiresAt!) - Date.parse(token.refreshAfter!),
      86_400_000,
      5000
    )
    await kv.set(TOKEN_KEY, { ...token, refreshAfter: new Date(Date.now() - 1000).toISOString() })
    const again = await pluginHost.testConnection('jushuitan')
    assert.isTrue(again.ok)
    assert.deepEqual(fake.codes('/openWeb/auth/refreshToken'), [0])
    assert.notInclude(fake.codes('/open/shops/query'), 100)
  })

  test('orders and refunds land through the upsert across 7-day windows and pages; a second run imports nothing new', async ({
    assert,
  }) => {
    await createCompanyWithShops()
    await configure(fake)
    // 55 orders in the last day (two pages of 50) and 5 eight days back: two 7-day windows.
    fake.orders = Array.from({ length: 60 }, (_, i) =>
      order(i, i < 55 ? 30 + i * 20 : 8 * 24 * 60 + i)
    )
    fake.orders.push(order(99, 60, { receiver_mobile: '138****8000', status: 'Sent' }))
    fake.refunds = [
      {
        as_id: 7001,
        o_id: 5000,
        so_id: 'TB20260000',
        shop_id: 10001,
        shop_name: 'tmall',
        status: 'Confirmed',
        type: '仅退款',
        refund: '199.00',
        as_date: at(50),
        modified: at(20),
        confirm_date: at(20),
        question_type: '七天无理由退换货',
        items: [{ sku_id: 'QZ-T-001', qty: 1, price: '199.00' }],
      },
    ]
    const sync = () => new ErpSync({ initialLookbackMinutes: 9 * 24 * 60, overlapMinutes: 10 })

    const orders = await sync().run('jushuitan', 'orders')
    assert.equal(orders.status, 'completed', orders.errorMessage ?? '')
    assert.equal(orders.windows, 2)
    assert.equal(orders.fetched, 61)
    assert.equal(orders.inserted, 61)
    assert.equal(await countRows('orders'), 61)
    // 61 buyers; the masked number is not taken as a phone (its buyer is known by buyer id).
    assert.equal(await countRows('members'), 61)
    const phones = await db.from('member_identities').where('type', 'phone').count('* as n')
    assert.equal(Number(phones[0].n), 60)
    const shipped = await db.from('orders').where('platform_order_no', 'TB20260099').firstOrFail()
    assert.equal(shipped.status, 'shipped')
    assert.equal(Number(shipped.paid_fen), 19900)
    const refunds = await sync().run('jushuitan', 'refunds')
    assert.equal(refunds.status, 'completed', refunds.errorMessage ?? '')
    assert.equal(refunds.inserted, 1)
    assert.equal(await countRows('refunds'), 1)

    // Every query was inside 7 days and under the rate limits: nothing refused.
    assert.isTrue(fake.requests.every((r) => r.code === 0))
    assert.isTrue(fake.requests.some((r) => r.biz?.page_index === 2))

    const again = await sync().run('jushuitan', 'orders')
    assert.equal(again.status, 'completed')
    assert.equal(again.inserted + again.updated, 0)
    const refundsAgain = await sync().run('jushuitan', 'refunds')
    assert.equal(refundsAgain.inserted + refundsAgain.updated, 0)
    assert.equal(await countRows('orders'), 61)
  })

  test('once a sync has seen a row version, orders come by start_ts: a late edit with an old timestamp is not missed', async ({
    assert,
  }) => {
    await createCompanyWithShops()
    await configure(fake)
    fake.orders = Array.from({ length: 55 }, (_, i) => order(i, 30 + i))
    const sync = () => new ErpSync({ initialLookbackMinutes: 24 * 60, overlapMinutes: 10 })
    const first = await sync().run('jushuitan', 'orders')
    assert.equal(first.status, 'completed', first.errorMessage ?? '')
    assert.equal(first.inserted, 55)
    const cursor = await db.from('erp_sync_cursors').where({ kind: 'orders' }).firstOrFail()
    assert.equal(cursor.row_version, String(Math.max(...fake.orders.map((o) => o.ts!))))
    assert.isTrue(fake.requests.every((r) => r.biz?.start_ts === undefined))

    // The warehouse ships an order and writes a modification time three hours back (outside
    // any overlap a time window would re-read); a new order arrives stamped two days back.
    fake.orders[3] = { ...fake.orders[3], status: 'Sent', modified: at(180) }
    fake.orders.push(order(70, 2 * 24 * 60))
    fake.requests = []
    const second = await sync().run('jushuitan', 'orders')
    assert.equal(second.status, 'completed', second.errorMessage ?? '')
    assert.deepInclude(second, { fetched: 2, inserted: 1, updated: 1, windows: 1 })
    const shipped = await db.from('orders').where('platform_order_no', 'TB20260003').firstOrFail()
    assert.equal(shipped.status, 'shipped')
    const asked = fake.requests.filter((r) => r.path === '/open/orders/single/query')
    assert.isTrue(asked.every((r) => r.biz.start_ts === Number(cursor.row_version)))
    assert.isTrue(asked.every((r) => r.biz.modified_begin === undefined))

    // Nothing changed since: one call, nothing fetched; the row version stays where it is.
    const third = await sync().run('jushuitan', 'orders')
    assert.deepInclude(third, { status: 'completed', fetched: 0, pages: 1 })
    const after = await db.from('erp_sync_cursors').where({ kind: 'orders' }).firstOrFail()
    assert.equal(after.row_version, String(fake.orders[fake.orders.length - 1].ts))

    // A run that fails part-way keeps the row version it started from.
    fake.orders[10] = { ...fake.orders[10], status: 'Cancelled', modified: at(5) }
    fake.maxPageSize = 10
    const failed = await sync().run('jushuitan', 'orders')
    assert.equal(failed.status, 'failed')
    const kept = await db.from('erp_sync_cursors').where({ kind: 'orders' }).firstOrFail()
    assert.equal(kept.row_version, after.row_version)
    // Refunds have no row version here: they stay on time windows.
    fake.maxPageSize = 100
    const refunds = await sync().run('jushuitan', 'refunds')
    assert.equal(refunds.status, 'completed')
    const refundCursor = await db.from('erp_sync_cursors').where({ kind: 'refunds' }).firstOrFail()
    assert.isNull(refundCursor.row_version)
  })

  test('a platform refusal ends the run as failed with the code; the cursor stays', async ({
    assert,
  }) => {
    await createCompanyWithShops()
    await configure(fake)
    fake.orders = [order(1, 30)]
    fake.maxPageSize = 10
    const summary = await new ErpSync().run('jushuitan', 'orders')
    assert.equal(summary.status, 'failed')
    assert.include(summary.errorMessage!, '聚水潭 140')
    assert.equal(await countRows('erp_sync_cursors'), 0)
  })

  test('a 199 from the platform is waited out and retried; if it persists the run fails as rate limited', async ({
    assert,
  }) => {
    await createCompanyWithShops()
    await configure(fake)
    fake.orders = [order(1, 30)]
    const tested = await pluginHost.testConnection('jushuitan')
    assert.isTrue(tested.ok)
    // The account allows less than we declared: the second call in a second is refused once.
    fake.perSecond = 1
    const connector = erpRegistry.get('jushuitan')!
    const range = { from: new Date(Date.now() - 3600_000), to: new Date(), cursor: null }
    await connector.pullOrders(range)
    const page = await connector.pullOrders(range)
    assert.lengthOf(page.rows, 1)
    assert.deepEqual(fake.codes('/open/orders/single/query').slice(-2), [199, 0])

    fake.perSecond = 0
    const error = await connector.pullOrders(range).catch((e) => e)
    assert.equal(error.code, 'rate_limited')
    assert.equal(error.providerCode, '199')
    assert.deepEqual(fake.codes('/open/orders/single/query').slice(-3), [199, 199, 199])
  }).timeout(15_000)

  test('stock: an upload refused for the rate (199) was not made, so it is sent once more', async ({
    assert,
  }) => {
    await createCompanyWithShops()
    await configure(fake)
    // The account allows less than we declared: the push's token call uses this second's share.
    fake.perSecond = 1
    const items = [{ skuCode: 'QZ-T-001', quantity: 6 }]
    const pushed = await new PushStock().handle('jushuitan', items, 'stock-throttled')
    assert.equal(pushed.outcome, 'pushed', pushed.errorMessage ?? '')
    assert.deepEqual(fake.codes('/open/jushuitan/inventoryv2/upload'), [199, 0])
    assert.equal(fake.stockDocuments.size, 1)
  })

  test('stock: the same idempotency key twice pushes once, recorded as a stock run', async ({
    assert,
  }) => {
    await createCompanyWithShops()
    await configure(fake)
    const items = [
      { skuCode: 'QZ-T-001', quantity: 120 },
      { skuCode: 'QZ-T-002', quantity: 0 },
    ]
    const first = await new PushStock().handle('jushuitan', items, 'stock-2026-03-01')
    assert.equal(first.outcome, 'pushed', first.errorMessage ?? '')
    const second = await new PushStock().handle('jushuitan', items, 'stock-2026-03-01')
    assert.equal(second.outcome, 'duplicate')
    assert.equal(fake.stockDocuments.size, 1)
    assert.deepEqual(fake.stockDocuments.get('stock-2026-03-01')!.items, [
      { sku_id: 'QZ-T-001', qty: 120 },
      { sku_id: 'QZ-T-002', qty: 0 },
    ])
    assert.lengthOf(fake.codes('/open/jushuitan/inventoryv2/upload'), 1)
    const runs = await db.from('erp_sync_runs').where({ connector: 'jushuitan', kind: 'stock' })
    assert.lengthOf(runs, 1)
    assert.equal(runs[0].status, 'completed')
    assert.equal(runs[0].inserted, 2)
  })

  test('SKU mappings (skumap/query): read across 7-day windows and pages; order lines land on the shop codes, stock goes out in 聚水潭 codes; later reads ask only for what changed', async ({
    assert,
  }) => {
    await createCompanyWithShops()
    await configure(fake, { skuMappingDays: 10 })
    // 55 linked listings changed in the last day (two pages of 50), one 9 days back (a second
    // 7-day window), one not linked and one linked to its own code (neither is a mapping).
    fake.skuMaps = Array.from({ length: 55 }, (_, i) => listing(`QZ-${i}`, `JST-${i}`, 30 + i))
    fake.skuMaps.push(listing('QZ-OLD', 'JST-OLD', 9 * 24 * 60))
    fake.skuMaps.push(listing('QZ-FREE', '', 40), listing('QZ-SAME', 'QZ-SAME', 40))
    fake.orders = [
      order(1, 30, {
        items: [
          { sku_id: 'JST-1', name: '纯棉T恤', qty: 1, price: '99.00', amount: '99.00' },
          { sku_id: 'JST-OLD', name: '帽子', qty: 1, price: '50.00', amount: '50.00' },
          { sku_id: 'UNMAPPED-9', name: '袜子', qty: 2, price: '25.00', amount: '50.00' },
        ],
      }),
    ]

    const summary = await new ErpSync().run('jushuitan', 'orders')
    assert.equal(summary.status, 'completed', summary.errorMessage ?? '')
    const lines = await db.from('order_items').orderBy('id').select('sku_code')
    assert.deepEqual(
      lines.map((line) => line.sku_code),
      ['QZ-1', 'QZ-OLD', 'UNMAPPED-9']
    )
    const reads = fake.answered('/open/skumap/query')
    assert.isTrue(reads.every((r) => r.code === 0))
    assert.isTrue(reads.some((r) => r.biz.page_index === 2))
    assert.isTrue(reads.every((r) => r.biz.page_size === 50))
    // Ten days back: two 7-day windows.
    assert.lengthOf(new Set(reads.map((r) => r.biz.modified_begin)), 2)

    const pushed = await new PushStock().handle(
      'jushuitan',
      [
        { skuCode: 'QZ-2', quantity: 7 },
        { skuCode: 'QZ-FREE', quantity: 3 },
      ],
      'stock-mapped-1'
    )
    assert.equal(pushed.outcome, 'pushed', pushed.errorMessage ?? '')
    assert.deepEqual(fake.stockDocuments.get('stock-mapped-1')!.items, [
      { sku_id: 'JST-2', qty: 7 },
      { sku_id: 'QZ-FREE', qty: 3 },
    ])
    // The push read only the minutes since the sync's read (one window, one page).
    const later = fake.answered('/open/skumap/query').slice(reads.length)
    assert.lengthOf(later, 1)
    assert.isAbove(
      FakeJushuitan.parseTime(later[0].biz.modified_begin),
      Date.now() - 3600_000,
      'a later read starts at the previous one, minus the overlap'
    )

    // A listing unlinked since: its mapping is gone at the next read.
    Object.assign(fake.skuMaps[2], { link_sku_id: '', modified: at(0) })
    const mappings = await erpRegistry.get('jushuitan')!.skuMappings!()
    assert.notDeepInclude(mappings, { erpSku: 'JST-2', skuCode: 'QZ-2' })
    assert.deepInclude(mappings, { erpSku: 'JST-3', skuCode: 'QZ-3' })
    assert.lengthOf(mappings, 55)
  })

  test('SKU mappings: one shop only when configured (shop_id); a conflict between shops fails the run naming both codes; none read when off', async ({
    assert,
  }) => {
    await createCompanyWithShops()
    fake.skuMaps = [
      listing('QZ-1', 'JST-1', 30),
      listing('JD-1', 'JST-1', 30, { shop_id: 10002, channel: 'jd' }),
    ]
    fake.orders = [
      order(1, 30, {
        items: [{ sku_id: 'JST-1', name: 'T', qty: 1, price: '1.00', amount: '1.00' }],
      }),
    ]
    await configure(fake)
    assert.isUndefined(erpRegistry.get('jushuitan')!.skuMappings)
    await db.from('plugin_settings').where('plugin_id', 'jushuitan').delete()

    await configure(fake, { skuMappingDays: 3 })
    const conflict = await new ErpSync().run('jushuitan', 'orders')
    assert.equal(conflict.status, 'failed')
    assert.include(conflict.errorMessage!, 'JST-1')
    assert.include(conflict.errorMessage!, 'QZ-1')
    assert.include(conflict.errorMessage!, 'JD-1')
    await db.from('plugin_settings').where('plugin_id', 'jushuitan').delete()
    await new PluginKv('jushuitan').delete('sku-mappings:all')

    await configure(fake, { skuMappingDays: 3, skuMappingShopId: '10001' })
    const summary = await new ErpSync().run('jushuitan', 'orders')
    assert.equal(summary.status, 'completed', summary.errorMessage ?? '')
    const line = await db.from('order_items').firstOrFail()
    assert.equal(line.sku_code, 'QZ-1')
    const reads = fake.requests.filter((r) => r.path === '/open/skumap/query')
    assert.equal(reads[reads.length - 1].biz.shop_id, 10001)
  })

  test('the fake answers skumap/query only within 7 days or for at most 20 sku_ids, 50 a page', async ({
    assert,
  }) => {
    fake.skuMaps = [listing('QZ-1', 'JST-1', 30), listing('QZ-2', 'JST-2', 9 * 24 * 60)]
    const token = await rawCall(fake, '/openWeb/auth/getInitToken', {
      grant_type: 'authorization_code',
      code: 'abc123',
      access_token: '',
      version: '',
      biz: '',
    })
    const query = (biz: Record<string, unknown>) =>
      rawCall(fake, '/open/skumap/query', {
        access_token: token.data.access_token,
        biz: JSON.stringify({ page_index: 1, page_size: 50, ...biz }),
      })
    const long = await query({ modified_begin: at(8 * 24 * 60), modified_end: at(0) })
    assert.equal(long.code, 140)
    const big = await query({ modified_begin: at(60), modified_end: at(0), page_size: 51 })
    assert.equal(big.code, 140)
    const byCode = await query({ sku_ids: 'QZ-1,QZ-2' })
    assert.equal(byCode.code, 0)
    assert.deepEqual(
      byCode.data.datas.map((row: FakeJstSkuMap) => row.link_sku_id),
      ['JST-2', 'JST-1']
    )
    const tooMany = await query({
      sku_ids: Array.from({ length: 21 }, (_, i) => `C${i}`).join(','),
    })
    assert.equal(tooMany.code, 140)
    const unsigned = await rawCall(fake, '/open/skumap/query', { sign: 'f'.repeat(32) })
    assert.equal(unsigned.code, 120)
  })

  test('done when: an admin configures 聚水潭 and tests it on the Plugins page; orders and refunds arrive on schedule, a second run imports nothing new', async ({
    client,
    assert,
  }) => {
    await createCompanyWithShops()
    await pluginHost.load()
    const admin = await createStaff('admin')
    fake.orders = [order(1, 120), order(2, 40, { status: 'Sent' })]
    fake.refunds = [
      {
        as_id: 7002,
        o_id: 5002,
        so_id: 'TB20260002',
        shop_id: 10001,
        shop_name: 'tmall',
        status: 'WaitConfirm',
        type: '退货退款',
        refund: '99.50',
        as_date: at(30),
        modified: at(30),
        confirm_date: null,
        question_type: null,
        items: [{ sku_id: 'QZ-T-001', qty: 1, price: '99.50' }],
      },
    ]
    assert.equal(pluginHost.get('jushuitan')?.status, 'unconfigured')
    assert.equal(
      pluginHost.get('jushuitan')?.reason,
      'needs configuration: baseUrl, appKey, appSecret'
    )

    const saved = await client
      .post('/settings/plugins/jushuitan/config')
      .loginAs(admin)
      .withCsrfToken()
      .form({
        baseUrl: fake.url,
        appKey: fake.appKey,
        appSecret: fake.appSecret,
        accessToken: '',
        shopMapping: '',
        stockWarehouse: '1',
        syncEveryMinutes: '30',
      })
      .redirects(0)
    saved.assertFlashMessage('success', '配置已保存，连接器已重新加载。')
    assert.equal(pluginHost.get('jushuitan')?.status, 'active')

    const tested = await client
      .post('/settings/plugins/jushuitan/test')
      .loginAs(admin)
      .withCsrfToken()
      .redirects(0)
    tested.assertFlashMessage('success', '连接正常：2 shop(s): tmall, jd')

    // The scheduled job (no connector named) syncs a connector that has never run.
    const { erpSyncJob } = await import('#app/plugins/jobs/erp_sync_job')
    await queue.dispatch(erpSyncJob, {})
    await queue.drain()
    assert.equal(await countRows('orders'), 2)
    assert.equal(await countRows('refunds'), 1)

    // Fifteen minutes later the schedule skips it: it asked for every 30 minutes.
    await queue.dispatch(erpSyncJob, {})
    await queue.drain()
    const orderRuns = await db.from('erp_sync_runs').where('kind', 'orders')
    assert.lengthOf(orderRuns, 1)

    // Half an hour on, it is due again: it runs and imports nothing new.
    await db
      .from('erp_sync_runs')
      .update({ started_at: toDbTime(DateTime.utc().minus({ minutes: 31 }), db.connection()) })
    await queue.dispatch(erpSyncJob, {})
    await queue.drain()
    const runs = await db.from('erp_sync_runs').where('kind', 'orders').orderBy('id')
    assert.lengthOf(runs, 2)
    assert.equal(runs[1].status, 'completed')
    assert.equal(runs[1].inserted, 0)
    assert.equal(runs[1].updated, 0)
    assert.equal(await countRows('orders'), 2)

    const page = await client.get('/settings/plugins/jushuitan').loginAs(admin)
    page.assertStatus(200)
    assert.include(page.text(), '自动同步：每 30 分钟')
    assert.include(page.text(), '推送库存')
  })
})
