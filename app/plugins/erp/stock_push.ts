import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import logger from '@adonisjs/core/services/logger'
import { erpRegistry } from '#app/plugins/registries'
import { takeErpSlot } from '#app/plugins/rate_gate'
import { SkuMappings } from '#app/plugins/erp/sku_mappings'
import { DomainError } from '#app/shared/errors/domain_error'
import { affectedRows, toDbTime } from '#app/shared/kernel/db_values'

export interface StockItem {
  skuCode: string
  quantity: number
}

export interface StockPushResult {
  /** pushed: sent now. duplicate: this key was already pushed (nothing sent). */
  outcome: 'pushed' | 'duplicate' | 'in_progress' | 'failed'
  pushId: number
  runId: number | null
  errorMessage: string | null
}

/**
 * Pushes stock to an ERP connector once per idempotency key: the push is
 * written as `pending` under its key before the connector is called, then
 * claimed (`pushing`) by one caller and marked `pushed` or `failed`; the
 * same key again returns the first push. A failed push may be retried with
 * the same key (it never reached the ERP or the ERP refused it); one still
 * `pushing` — a worker died mid-call — is not pushed again, because the ERP
 * may have it. Each push is recorded as a
 * `stock` run on the connector's sync-run list.
 */
export class PushStock {
  async handle(connectorId: string, items: StockItem[], idempotencyKey: string) {
    const connector = erpRegistry.get(connectorId)
    if (!connector) throw new DomainError('E_NOT_ERP', 'plugins.errors.not_erp', 422)
    if (!connector.pushStock || connector.capabilities.stockWriteMode === 'none') {
      throw new DomainError('E_NO_STOCK_PUSH', 'plugins.errors.no_stock_push', 422)
    }
    const key = idempotencyKey.trim().slice(0, 100)
    if (!key) throw new DomainError('E_KEY_REQUIRED', 'plugins.errors.stock_key_required', 422)
    const clean = normaliseItems(items)

    const conn = db.connection()
    const now = DateTime.utc()
    await db
      .table('erp_stock_pushes')
      .insert({
        connector: connectorId,
        idempotency_key: key,
        status: 'pending',
        items_count: clean.length,
        items: JSON.stringify(clean),
        created_at: toDbTime(now, conn),
      })
      .onConflict(['connector', 'idempotency_key'])
      .ignore()
    const push = await db
      .from('erp_stock_pushes')
      .where({ connector: connectorId, idempotency_key: key })
      .firstOrFail()

    // One caller claims the push (pending → pushing); a failed one may be claimed again.
    const claimed = affectedRows(
      await db
        .from('erp_stock_pushes')
        .where('id', push.id)
        .whereIn('status', ['pending', 'failed'])
        .update({ status: 'pushing', error_message: null })
    )
    if (claimed === 0) {
      const current = await db.from('erp_stock_pushes').where('id', push.id).firstOrFail()
      return {
        outcome: current.status === 'pushed' ? 'duplicate' : 'in_progress',
        pushId: push.id,
        runId: current.run_id,
        errorMessage: null,
      } satisfies StockPushResult
    }
    const pushItems: StockItem[] = JSON.parse(push.items)

    const [inserted] = await db
      .table('erp_sync_runs')
      .insert({
        connector: connectorId,
        kind: 'stock',
        status: 'running',
        window_from: toDbTime(now, conn),
        window_to: toDbTime(now, conn),
        fetched: pushItems.length,
        started_at: toDbTime(now, conn),
      })
      .returning('id')
    const runId = Number(typeof inserted === 'object' ? inserted.id : inserted)
    await db.from('erp_stock_pushes').where('id', push.id).update({ run_id: runId })

    const started = Date.now()
    let errorMessage: string | null = null
    let unknown = false
    try {
      const slot = () => takeErpSlot(connectorId, connector.capabilities)
      // The push is recorded in the shop's SKU codes; the ERP gets its own.
      const skus = await SkuMappings.load(connector, slot)
      const erpItems = pushItems.map((item) => ({ ...item, skuCode: skus.toErp(item.skuCode) }))
      await slot()
      await connector.pushStock!(erpItems, key)
    } catch (error) {
      // A transient error the connector says must not be retried (a timeout after the request
      // left): the ERP may have the stock document, so the push stays claimed.
      const plugin = error as { code?: string; retryable?: boolean }
      unknown = plugin.code === 'transient' && plugin.retryable === false
      errorMessage = `${unknown ? 'outcome unknown: ' : ''}${(error as Error).message}`.slice(
        0,
        1000
      )
      logger.warn({ connector: connectorId, key, err: errorMessage }, 'ERP stock push failed')
    }
    const finished = DateTime.utc()
    await db
      .from('erp_stock_pushes')
      .where('id', push.id)
      .update({
        status: unknown ? 'pushing' : errorMessage ? 'failed' : 'pushed',
        error_message: errorMessage,
        pushed_at: errorMessage ? null : toDbTime(finished, conn),
      })
    await db
      .from('erp_sync_runs')
      .where('id', runId)
      .update({
        status: errorMessage ? 'failed' : 'completed',
        windows: 1,
        pages: 1,
        inserted: errorMessage ? 0 : pushItems.length,
        errors: errorMessage ? pushItems.length : 0,
        error_message: errorMessage,
        finished_at: toDbTime(finished, conn),
        duration_ms: Date.now() - started,
      })
    return {
      outcome: errorMessage ? 'failed' : 'pushed',
      pushId: push.id,
      runId,
      errorMessage,
    } satisfies StockPushResult
  }
}

/** Same SKU twice: the last quantity wins; quantities are whole, not negative. */
export function normaliseItems(items: StockItem[]): StockItem[] {
  const bySku = new Map<string, number>()
  for (const item of items) {
    const sku = String(item.skuCode ?? '').trim()
    if (!sku || sku.length > 100) {
      throw new DomainError('E_BAD_STOCK', 'plugins.errors.stock_invalid', 422)
    }
    if (!Number.isSafeInteger(item.quantity) || item.quantity < 0) {
      throw new DomainError('E_BAD_STOCK', 'plugins.errors.stock_invalid', 422)
    }
    bySku.set(sku, item.quantity)
  }
  if (bySku.size === 0) throw new DomainError('E_BAD_STOCK', 'plugins.errors.stock_invalid', 422)
  return [...bySku].map(([skuCode, quantity]) => ({ skuCode, quantity }))
}

/** `SKU=12` (or `SKU 12`, `SKU,12`) per line → items. */
export function parseStockLines(text: string): StockItem[] {
  const items: StockItem[] = []
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trim()
    if (!trimmed) continue
    const match = /^(.+?)\s*[=,\s]\s*(-?\d+)$/.exec(trimmed)
    if (!match) throw new DomainError('E_BAD_STOCK', 'plugins.errors.stock_invalid', 422)
    items.push({ skuCode: match[1].trim(), quantity: Number(match[2]) })
  }
  return items
}
