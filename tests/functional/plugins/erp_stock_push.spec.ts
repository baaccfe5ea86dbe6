import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import { PluginError, type ErpConnector } from '#app/plugins/sdk/index'
import { erpRegistry } from '#app/plugins/registries'
import { PushStock, parseStockLines } from '#app/plugins/erp/stock_push'

/** An ERP connector whose pushStock does what the test says. */
function stub(behaviour: () => Promise<void>) {
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
    async pushStock(_items, key) {
      calls.push(key)
      await behaviour()
    },
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
