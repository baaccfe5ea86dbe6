import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import { PluginError, type ErpConnector } from '#app/plugins/sdk/index'
import { erpRegistry } from '#app/plugins/registries'
import { PushStock, parseStockLines } from '#app/plugins/erp/stock_push'

/** An ERP connector whose pushStock does what the test says. */
function stub(
  behaviour: () => Promise<void>,
  mappings?: Array<{ erpSku: string; skuCode: string }>,
  pushed: Array<Array<{ skuCode: string; quantity: number }>> = []
) {
  const calls: string[] = []
  const connector: ErpConnector = {
    id: 'stub-erp',
    capabilities: {
      maxWindowMinutes: 60,
      pageSize: 10,
      rowVersionCursor: false,
      stockWriteMode: 'absolute',
      ratePerSecond: 100,
    },
    pullOrders: async () => ({ rows: [], nextCursor: null }),
    pullRefunds: async () => ({ rows: [], nextCursor: null }),
    async pushStock(items, key) {
      calls.push(key)
      pushed.push(items)
      await behaviour()
    },
    ...(mappings ? { skuMappings: async () => mappings } : {}),
  }
  erpRegistry.add('stub-plugin', connector)
  return calls
}

test.group('Plugins / ERP stock push', (group) => {
  group.each.setup(async () => {
    const rollback = await testUtils.db().withGlobalTransaction()
    return async () => {
      erpRegistry.removePlugin('stub-plugin')
      await rollback()
    }
  })

  test('a refused push may be tried again with the same key', async ({ assert }) => {
    let refuse = true
    const calls = stub(async () => {
      if (refuse) throw new PluginError('content_rejected', 'unknown SKU', '140')
    })
    const items = [{ skuCode: 'A', quantity: 1 }]
    const first = await new PushStock().handle('stub-erp', items, 'k1')
    assert.equal(first.outcome, 'failed')
    assert.include(first.errorMessage!, 'unknown SKU')
    refuse = false
    const second = await new PushStock().handle('stub-erp', items, 'k1')
    assert.equal(second.outcome, 'pushed')
    const third = await new PushStock().handle('stub-erp', items, 'k1')
    assert.equal(third.outcome, 'duplicate')
    assert.deepEqual(calls, ['k1', 'k1'])
    const runs = await db.from('erp_sync_runs').where('kind', 'stock').orderBy('id')
    assert.deepEqual(
      runs.map((r) => r.status),
      ['failed', 'completed']
    )
  })

  test("the ERP gets its own SKU codes through the connector's mappings", async ({ assert }) => {
    const pushed: Array<Array<{ skuCode: string; quantity: number }>> = []
    stub(
      async () => {},
      [
        { erpSku: 'JST-TSHIRT-WHITE-M', skuCode: 'QZ-T-001' },
        { erpSku: 'JST-CAP-A', skuCode: 'QZ-CAP-9' },
        { erpSku: 'JST-CAP-B', skuCode: 'QZ-CAP-9' },
      ],
      pushed
    )
    const ok = await new PushStock().handle(
      'stub-erp',
      [
        { skuCode: 'QZ-T-001', quantity: 12 },
        { skuCode: 'QZ-SOCKS', quantity: 3 },
      ],
      'map-1'
    )
    assert.equal(ok.outcome, 'pushed', ok.errorMessage ?? '')
    assert.deepEqual(pushed, [
      [
        { skuCode: 'JST-TSHIRT-WHITE-M', quantity: 12 },
        { skuCode: 'QZ-SOCKS', quantity: 3 },
      ],
    ])
    const recorded = await db.from('erp_stock_pushes').where('idempotency_key', 'map-1').first()
    assert.include(recorded.items, 'QZ-T-001', 'the push is recorded in the shop codes')

    // Two ERP SKUs behind one shop SKU: which one to set is not guessed.
    const ambiguous = await new PushStock().handle(
      'stub-erp',
      [{ skuCode: 'QZ-CAP-9', quantity: 1 }],
      'map-2'
    )
    assert.equal(ambiguous.outcome, 'failed')
    assert.include(ambiguous.errorMessage!, 'QZ-CAP-9 is mapped to several ERP SKUs')
    assert.lengthOf(pushed, 1)
  })

  test('a timeout after the request left is not pushed again under the same key', async ({
    assert,
  }) => {
    const calls = stub(async () => {
      throw new PluginError('transient', 'timed out after 20000 ms', null, { retryable: false })
    })
    const items = [{ skuCode: 'A', quantity: 1 }]
    const first = await new PushStock().handle('stub-erp', items, 'k2')
    assert.equal(first.outcome, 'failed')
    assert.include(first.errorMessage!, 'outcome unknown')
    const again = await new PushStock().handle('stub-erp', items, 'k2')
    assert.equal(again.outcome, 'in_progress')
    assert.lengthOf(calls, 1)
    const row = await db.from('erp_stock_pushes').where('idempotency_key', 'k2').firstOrFail()
    assert.equal(row.status, 'pushing')
  })

  test('the same key at the same moment pushes once', async ({ assert }) => {
    const calls = stub(async () => {
      await new Promise((resolve) => setTimeout(resolve, 50))
    })
    const items = [{ skuCode: 'A', quantity: 3 }]
    const results = await Promise.all([
      new PushStock().handle('stub-erp', items, 'k3'),
      new PushStock().handle('stub-erp', items, 'k3'),
    ])
    assert.sameMembers(
      results.map((r) => r.outcome),
      ['pushed', 'in_progress']
    )
    assert.lengthOf(calls, 1)
  })

  test('stock lines: SKU=quantity, bad lines refused', ({ assert }) => {
    assert.deepEqual(parseStockLines('A=1\n\nB 2\nC,3'), [
      { skuCode: 'A', quantity: 1 },
      { skuCode: 'B', quantity: 2 },
      { skuCode: 'C', quantity: 3 },
    ])
    assert.throws(() => parseStockLines('A=x'))
  })
})
