import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import logger from '@adonisjs/core/services/logger'
import type { ErpConnector, ErpOrder, ErpPage, ErpRefund } from '#app/plugins/sdk/index'
import { erpRegistry } from '#app/plugins/registries'
import { takeErpSlot } from '#app/plugins/rate_gate'
import { SkuMappings } from '#app/plugins/erp/sku_mappings'
import { UpsertOrder, type UpsertOutcome } from '#app/commerce/actions/upsert_order'
import { UpsertRefund } from '#app/commerce/actions/upsert_refund'
import { ResolveMember } from '#app/members/actions/resolve_member'
import { findCurrentCompany } from '#app/organization/current_company'
import Shop from '#app/organization/models/shop'
import { toDbTime } from '#app/shared/kernel/db_values'

export type SyncKind = 'orders' | 'refunds'

export interface SyncOptions {
  /** Re-read this much before the cursor: ERPs report late changes with past timestamps. */
  overlapMinutes?: number
  /** The first run starts this far back. */
  initialLookbackMinutes?: number
  /** Stop this far before now: the ERP may still be writing the last minute. */
  lagMinutes?: number
  now?: () => Date
}

export interface SyncSummary {
  runId: number
  status: 'completed' | 'failed'
  windows: number
  pages: number
  fetched: number
  inserted: number
  updated: number
  unchanged: number
  errors: number
  errorMessage: string | null
}

/**
 * ERP sync engine: pulls a connector's orders or refunds from where the
 * last run stopped (minus an overlap) to now, in windows no longer than
 * the connector's maximum, page by page under its rate limit, and upserts
 * each row (the same order twice changes nothing), order lines translated
 * from the ERP's SKU codes to the shop's through the connector's SKU
 * mappings. The cursor moves after
 * each completed window, so a crash resumes there. A connector with row
 * versions (`rowVersionCursor`) is asked, once a run has seen one, for what
 * changed after the highest (kept after each complete run). Every run is
 * recorded.
 */
export class ErpSync {
  constructor(private options: SyncOptions = {}) {}

  async run(connectorId: string, kind: SyncKind): Promise<SyncSummary> {
    const connector = erpRegistry.get(connectorId)
    if (!connector) throw new Error(`ERP connector ${connectorId} is not active`)
    const company = await findCurrentCompany()
    if (!company) throw new Error('no company yet: run node ace setup')

    const overlap = this.options.overlapMinutes ?? 10
    const now = DateTime.fromJSDate((this.options.now ?? (() => new Date()))()).toUTC()
    const end = now.minus({ minutes: this.options.lagMinutes ?? 1 }).startOf('second')
    const cursor = await db.from('erp_sync_cursors').where({ connector: connectorId, kind }).first()
    const start = cursor
      ? toDateTime(cursor.synced_until).minus({ minutes: overlap })
      : end.minus({ minutes: this.options.initialLookbackMinutes ?? 24 * 60 })

    const conn = db.connection()
    const [inserted] = await db
      .table('erp_sync_runs')
      .insert({
        connector: connectorId,
        kind,
        status: 'running',
        window_from: toDbTime(start, conn),
        window_to: toDbTime(end, conn),
        started_at: toDbTime(now, conn),
      })
      .returning('id')
    const runId = Number(typeof inserted === 'object' ? inserted.id : inserted)

    const summary: SyncSummary = {
      runId,
      status: 'completed',
      windows: 0,
      pages: 0,
      fetched: 0,
      inserted: 0,
      updated: 0,
      unchanged: 0,
      errors: 0,
      errorMessage: null,
    }
    const shops = await Shop.query().where('company_id', company.id)
    const started = Date.now()
    const slot = () => takeErpSlot(connectorId, connector.capabilities)
    // Read when the first order line needs it: a run that imports nothing costs no call.
    let skus: SkuMappings | null = null
    // A row version known from an earlier run: one pass over what changed after it.
    const storedVersion: string | null = connector.capabilities.rowVersionCursor
      ? (cursor?.row_version ?? null)
      : null
    let highestVersion = storedVersion
    const windows = storedVersion
      ? [{ from: start, to: end }]
      : splitWindows(start, end, connector.capabilities.maxWindowMinutes)
    try {
      for (const window of windows) {
        let pageCursor: string | null = null
        do {
          await slot()
          const pull = {
            from: window.from.toJSDate(),
            to: window.to.toJSDate(),
            cursor: pageCursor,
            rowVersion: storedVersion,
          }
          const page: ErpPage<ErpOrder | ErpRefund> =
            kind === 'orders' ? await connector.pullOrders(pull) : await connector.pullRefunds(pull)
          summary.pages++
          if (kind === 'orders' && page.rows.some((row) => (row as ErpOrder).items.length > 0)) {
            // A mapping that cannot be read fails the run: lines must not land on unmapped SKUs.
            skus ??= await SkuMappings.load(connector, slot)
          }
          for (const row of page.rows) {
            summary.fetched++
            try {
              const outcome =
                kind === 'orders'
                  ? await this.#order(company.id, shops, connector, skus, row as ErpOrder)
                  : await this.#refund(company.id, shops, row as ErpRefund)
              summary[outcome]++
            } catch (error) {
              summary.errors++
              summary.errorMessage ??= `${rowKey(row)}: ${(error as Error).message}`.slice(0, 1000)
            }
          }
          highestVersion = higherVersion(highestVersion, page.rowVersion ?? null)
          pageCursor = page.nextCursor
        } while (pageCursor)
        summary.windows++
        // By time the cursor moves per window (a crash resumes there); a row version only
        // once every page is read, since an ERP need not hand rows over in version order.
        if (!storedVersion) await this.#advance(connectorId, kind, window.to)
      }
      if (connector.capabilities.rowVersionCursor && highestVersion) {
        await this.#advance(connectorId, kind, end, highestVersion)
      }
    } catch (error) {
      summary.status = 'failed'
      summary.errorMessage = `${(error as Error).message}`.slice(0, 1000)
      logger.warn({ connector: connectorId, kind, err: summary.errorMessage }, 'ERP sync failed')
    }

    await db
      .from('erp_sync_runs')
      .where('id', runId)
      .update({
        status: summary.status,
        windows: summary.windows,
        pages: summary.pages,
        fetched: summary.fetched,
        inserted: summary.inserted,
        updated: summary.updated,
        unchanged: summary.unchanged,
        errors: summary.errors,
        error_message: summary.errorMessage,
        finished_at: toDbTime(DateTime.utc(), conn),
        duration_ms: Date.now() - started,
      })
    return summary
  }

  async #advance(connectorId: string, kind: SyncKind, until: DateTime, rowVersion?: string) {
    const conn = db.connection()
    await db
      .table('erp_sync_cursors')
      .insert({
        connector: connectorId,
        kind,
        synced_until: toDbTime(until, conn),
        updated_at: toDbTime(DateTime.utc(), conn),
        ...(rowVersion ? { row_version: rowVersion } : {}),
      })
      .onConflict(['connector', 'kind'])
      .merge(['synced_until', 'updated_at', ...(rowVersion ? ['row_version'] : [])])
  }

  async #order(
    companyId: number,
    shops: Shop[],
    connector: ErpConnector,
    skus: SkuMappings | null,
    order: ErpOrder
  ): Promise<UpsertOutcome> {
    const shop = findShop(shops, order.shopCode)
    const identities: Array<{ type: 'phone' | 'erp_customer_id'; value: string }> = []
    if (order.buyer.phone) identities.push({ type: 'phone', value: order.buyer.phone })
    if (order.buyer.erpCustomerId) {
      identities.push({
        type: 'erp_customer_id',
        value: `${connector.id}:${order.buyer.erpCustomerId}`,
      })
    }
    const member = identities.length
      ? await new ResolveMember().handle({
          companyId,
          identities,
          profile: order.buyer.name ? { name: order.buyer.name } : undefined,
        })
      : null
    const result = await new UpsertOrder().handle(
      {
        companyId,
        shopId: shop.id,
        platformOrderNo: order.platformOrderNo,
        memberId: member?.memberId ?? null,
        status: order.status,
        orderedAt: DateTime.fromJSDate(order.orderedAt),
        paidAt: order.paidAt ? DateTime.fromJSDate(order.paidAt) : null,
        goodsFen: order.goodsFen,
        paidFen: order.paidFen,
        items: order.items.map((item) => ({
          skuCode: skus ? skus.toShop(item.skuCode) : item.skuCode,
          title: item.title,
          quantity: item.quantity,
          priceFen: item.priceFen,
        })),
      },
      { source: `erp:${connector.id}` }
    )
    return result.outcome
  }

  async #refund(companyId: number, shops: Shop[], refund: ErpRefund): Promise<UpsertOutcome> {
    const shop = findShop(shops, refund.shopCode)
    const result = await new UpsertRefund().handle({
      companyId,
      shopId: shop.id,
      platformRefundNo: refund.platformRefundNo,
      platformOrderNo: refund.platformOrderNo,
      status: refund.status,
      amountFen: refund.amountFen,
      requestedAt: DateTime.fromJSDate(refund.requestedAt),
      completedAt: refund.completedAt ? DateTime.fromJSDate(refund.completedAt) : null,
      reason: refund.reason ?? null,
    })
    return result.outcome
  }
}

/** The higher of two row versions: decimal numbers as text (聚水潭's `ts`), else compared as text. */
export function higherVersion(a: string | null, b: string | null): string | null {
  if (!a) return b
  if (!b) return a
  const numeric = /^\d+$/
  if (numeric.test(a) && numeric.test(b)) return BigInt(b) > BigInt(a) ? b : a
  return b > a ? b : a
}

/** [from, to) cut into windows of at most `maxMinutes`. */
export function splitWindows(from: DateTime, to: DateTime, maxMinutes: number) {
  const windows: Array<{ from: DateTime; to: DateTime }> = []
  let cursor = from
  while (cursor < to) {
    const next = DateTime.min(cursor.plus({ minutes: Math.max(1, maxMinutes) }), to)
    windows.push({ from: cursor, to: next })
    cursor = next
  }
  return windows
}

function findShop(shops: Shop[], code: string): Shop {
  const byName = shops.find((shop) => shop.name === code)
  if (byName) return byName
  const byPlatform = shops.filter((shop) => shop.platform === code)
  if (byPlatform.length === 1) return byPlatform[0]
  throw new Error(`no shop matches "${code}" (use the shop's name, or its platform when unique)`)
}

function rowKey(row: ErpOrder | ErpRefund) {
  return 'platformRefundNo' in row ? row.platformRefundNo : row.platformOrderNo
}

/** A timestamp column as either dialect returns it (Date on PostgreSQL, text on SQLite). */
export function toDateTime(value: unknown): DateTime {
  if (value instanceof Date) return DateTime.fromJSDate(value).toUTC()
  return DateTime.fromSQL(String(value), { zone: 'utc' }).isValid
    ? DateTime.fromSQL(String(value), { zone: 'utc' })
    : DateTime.fromISO(String(value), { zone: 'utc' })
}
