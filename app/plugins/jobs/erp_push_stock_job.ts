import { defineJob } from '#app/shared/queue/define_job'
import { pluginHost } from '#app/plugins/plugin_host'
import { PushStock, type StockItem } from '#app/plugins/erp/stock_push'

/**
 * Pushes stock to one ERP connector under an idempotency key ("推送库存" on
 * the connector's plugin page, or code that dispatches it). Running it
 * twice with the same key pushes once: PushStock records the key first.
 */
export const erpPushStockJob = defineJob<{ connector: string; items: StockItem[]; key: string }>({
  name: 'plugins.erp_push_stock',
  maxAttempts: 1,
  async handle({ payload }) {
    await pluginHost.ensureLoaded()
    const result = await new PushStock().handle(payload.connector, payload.items, payload.key)
    if (result.outcome === 'failed') throw new Error(result.errorMessage ?? 'stock push failed')
    return { items: payload.items.length, pushed: result.outcome === 'pushed' ? 1 : 0 }
  },
})
