import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import app from '@adonisjs/core/services/app'
import encryption from '@adonisjs/core/services/encryption'
import db from '@adonisjs/lucid/services/db'
import { pluginHost } from '#app/plugins/plugin_host'
import PluginSetting from '#app/plugins/models/plugin_setting'
import { ErpSync, splitWindows } from '#app/plugins/erp/sync_engine'
import queue from '#app/shared/queue/queue'
import { DateTime } from 'luxon'
import { FakeErp, type FakeErpOrder } from '#tests/fakes/erp/server'
import { createCompanyWithShops, countRows } from '#tests/functional/members/fixtures'
import { createStaff } from '#tests/support/staff'

const NOW = new Date('2026-03-01T12:00:00Z')
const at = (minutesBeforeNow: number) =>
  new Date(NOW.getTime() - minutesBeforeNow * 60_000).toISOString()

function order(
  no: string,
  minutesAgo: number,
  overrides: Partial<FakeErpOrder> = {}
): FakeErpOrder {
  return {
    no,
    shop: 'tmall',
    status: 'paid',
    ordered_at: at(minutesAgo),
    modified_at: at(minutesAgo),
    paid_fen: 19900,
    phone: '13800138000',
    name: '李小芳',
    items: [{ sku: 'QZ-T-001', title: '纯棉T恤', qty: 1, price_fen: 19900 }],
    ...overrides,
  }
}

async function setup(fake: FakeErp) {
  await createCompanyWithShops()
  await PluginSetting.create({
    pluginId: 'json-erp',
    enabled: true,
    config: {
      url: fake.url,
      apiKey: { encrypted: encryption.encrypt(fake.apiKey) },
      maxWindowMinutes: 60,
    },
  })
  await pluginHost.load([app.makePath('tests/fixtures/plugins/erp')])
  if (pluginHost.get('json-erp')?.status !== 'active') {
    throw new Error(`json-erp: ${pluginHost.get('json-erp')?.reason}`)
  }
}

const sync = (now: Date = NOW) =>
  new ErpSync({ now: () => now, initialLookbackMinutes: 180, overlapMinutes: 10, lagMinutes: 1 })

test.group('Plugins / ERP sync engine', (group) => {
  let fake: FakeErp
  group.each.setup(async () => {
    fake = new FakeErp()
    await fake.start()
    const rollback = await testUtils.db().withGlobalTransaction()
    return async () => {
      await queue.drain()
      await rollback()
      await pluginHost.load()
      await fake.stop()
    }
  })

  test('splits a range into windows no longer than the connector allows', ({ assert }) => {
    const from = DateTime.fromISO('2026-03-01T09:00:00Z')
    const windows = splitWindows(from, from.plus({ minutes: 150 }), 60)
    assert.deepEqual(
      windows.map((w) => [w.from.toUTC().toFormat('HH:mm'), w.to.toUTC().toFormat('HH:mm')]),
      [
        ['09:00', '10:00'],
        ['10:00', '11:00'],
        ['11:00', '11:30'],
      ]
    )
  })

  test('imports orders across windows and pages; a second run imports nothing new', async ({
    assert,
  }) => {
    await setup(fake)
    fake.orders = [
      order('TB-1', 170),
      order('TB-2', 120),
      order('TB-3', 119),
      order('TB-4', 118),
      order('TB-5', 30, { phone: '13900139000', name: '王小明' }),
    ]

    const first = await sync().run('json-erp', 'orders')
    assert.equal(first.status, 'completed', first.errorMessage ?? '')
    assert.equal(first.windows, 3)
    assert.equal(first.fetched, 5)
    assert.equal(first.inserted, 5)
    assert.equal(await countRows('orders'), 5)
    assert.equal(await countRows('members'), 2)
    // Every query stayed inside the ERP's window limit; paging was followed.
    assert.isTrue(fake.requests.every((r) => r.status === 200))
    assert.isTrue(fake.requests.some((r) => r.page === 2))

    const cursor = await db
      .from('erp_sync_cursors')
      .where({ connector: 'json-erp', kind: 'orders' })
      .firstOrFail()
    assert.include(
      String(
        cursor.synced_until instanceof Date
          ? cursor.synced_until.toISOString()
          : cursor.synced_until
      ),
      '11:59:00'
    )

    // Five minutes later: the overlap re-reads the last ten minutes, nothing is new.
    const second = await sync(new Date(NOW.getTime() + 5 * 60_000)).run('json-erp', 'orders')
    assert.equal(second.status, 'completed')
    assert.equal(second.inserted, 0)
    assert.equal(second.updated, 0)
    assert.equal(await countRows('orders'), 5)

    // A late change inside the overlap is picked up as an update.
    fake.orders.push(order('TB-5', 3, { status: 'shipped', phone: '13900139000', name: '王小明' }))
    const third = await sync(new Date(NOW.getTime() + 6 * 60_000)).run('json-erp', 'orders')
    assert.equal(third.updated, 1)
    assert.equal(await countRows('orders'), 5)
  })

  test("order lines land on the shop's SKUs through the connector's SKU mappings", async ({
    assert,
  }) => {
    await setup(fake)
    fake.skuMappings = [
      { erp_sku: 'JST-TSHIRT-WHITE-M', shop_sku: 'QZ-T-001' },
      { erp_sku: 'JST-TSHIRT-WHITE-M-B', shop_sku: 'QZ-T-001' },
    ]
    fake.orders = [
      order('TB-1', 100, {
        items: [
          { sku: 'JST-TSHIRT-WHITE-M', title: '纯棉T恤 白 M', qty: 1, price_fen: 9900 },
          { sku: 'QZ-CAP-9', title: '棒球帽', qty: 1, price_fen: 10000 },
        ],
      }),
      order('TB-2', 90, {
        items: [{ sku: 'JST-TSHIRT-WHITE-M-B', title: '纯棉T恤 白 M', qty: 2, price_fen: 9950 }],
      }),
    ]
    const summary = await sync().run('json-erp', 'orders')
    assert.equal(summary.status, 'completed', summary.errorMessage ?? '')
    assert.equal(summary.inserted, 2)
    const lines = await db
      .from('order_items')
      .join('orders', 'orders.id', 'order_items.order_id')
      .orderBy('orders.platform_order_no')
      .orderBy('order_items.id')
      .select('orders.platform_order_no as no', 'order_items.sku_code as sku')
    assert.deepEqual(lines, [
      { no: 'TB-1', sku: 'QZ-T-001' },
      { no: 'TB-1', sku: 'QZ-CAP-9' },
      { no: 'TB-2', sku: 'QZ-T-001' },
    ])
    const codes = await db.from('skus').orderBy('code').select('code')
    assert.notInclude(
      codes.map((row) => row.code),
      'JST-TSHIRT-WHITE-M',
      'no SKU is created under the ERP code'
    )
    // The mappings are read once per run, not once per page.
    assert.lengthOf(
      fake.requests.filter((r) => r.path === '/sku-mappings'),
      1
    )

    // One ERP SKU mapped to two shop SKUs: the run fails rather than guess; nothing imported.
    fake.skuMappings.push({ erp_sku: 'JST-TSHIRT-WHITE-M', shop_sku: 'QZ-T-002' })
    fake.orders.push(order('TB-3', 5))
    const conflicting = await sync(new Date(NOW.getTime() + 5 * 60_000)).run('json-erp', 'orders')
    assert.equal(conflicting.status, 'failed')
    assert.include(
      conflicting.errorMessage!,
      'JST-TSHIRT-WHITE-M maps to both QZ-T-001 and QZ-T-002'
    )
    assert.equal(await countRows('orders'), 2)
  })

  test('a row that cannot be placed is counted as an error; the others import', async ({
    assert,
  }) => {
    await setup(fake)
    fake.orders = [order('TB-1', 100), order('X-1', 90, { shop: '不存在的店' })]
    const summary = await sync().run('json-erp', 'orders')
    assert.equal(summary.status, 'completed')
    assert.equal(summary.inserted, 1)
    assert.equal(summary.errors, 1)
    assert.include(summary.errorMessage!, 'X-1: no shop matches "不存在的店"')
  })

  test('throttled mid-run: the run fails, the cursor keeps the finished windows, the next run resumes', async ({
    assert,
  }) => {
    await setup(fake)
    fake.orders = [order('TB-1', 170), order('TB-2', 100), order('TB-3', 20)]
    fake.throttleAfter(1)
    const failed = await sync().run('json-erp', 'orders')
    assert.equal(failed.status, 'failed')
    assert.include(failed.errorMessage!, 'HTTP 429')
    assert.equal(failed.windows, 1)
    assert.equal(await countRows('orders'), 1)

    const resumed = await sync().run('json-erp', 'orders')
    assert.equal(resumed.status, 'completed')
    assert.equal(await countRows('orders'), 3)
    const runs = await db.from('erp_sync_runs').orderBy('id')
    assert.deepEqual(
      runs.map((r) => r.status),
      ['failed', 'completed']
    )
  })

  test('refunds follow their orders; the scheduled job runs both and the page shows the runs', async ({
    client,
    assert,
  }) => {
    await setup(fake)
    // The job runs on the real clock.
    const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString()
    fake.orders = [order('TB-9', 0, { ordered_at: ago(60), modified_at: ago(60) })]
    fake.refunds = [
      {
        no: 'RF-9',
        order_no: 'TB-9',
        shop: 'tmall',
        status: 'completed',
        amount_fen: 19900,
        requested_at: ago(30),
        modified_at: ago(30),
      },
    ]
    const { erpSyncJob } = await import('#app/plugins/jobs/erp_sync_job')
    assert.deepInclude(queue.schedules, {
      name: 'plugins.erp_sync',
      cron: '*/15 * * * *',
      tz: 'Asia/Shanghai',
    })
    await queue.dispatch(erpSyncJob, { connector: 'json-erp' })
    await queue.drain()
    assert.equal(await countRows('orders'), 1)
    assert.equal(await countRows('refunds'), 1)

    const admin = await createStaff('admin')
    const page = await client.get('/settings/plugins/json-erp').loginAs(admin)
    page.assertStatus(200)
    assert.include(page.text(), 'ERP 同步记录')
    assert.include(page.text(), '退款')
    const syncNow = await client
      .post('/settings/plugins/json-erp/sync')
      .loginAs(admin)
      .withCsrfToken()
      .redirects(0)
    syncNow.assertFlashMessage('success', '同步已加入后台任务。')
  })
})
