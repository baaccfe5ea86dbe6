import { createWriteStream, type WriteStream } from 'node:fs'
import { mkdir, stat, truncate } from 'node:fs/promises'
import { dirname } from 'node:path'
import { once } from 'node:events'
import db from '@adonisjs/lucid/services/db'
import logger from '@adonisjs/core/services/logger'
import i18nManager from '@adonisjs/i18n/services/main'
import type { QueryClientContract, TransactionClientContract } from '@adonisjs/lucid/types/database'
import { DomainError } from '#app/shared/errors/domain_error'
import { DEFAULT_ZONE } from '#app/shared/kernel/time'
import { MemberStats } from '#app/commerce/actions/member_stats'
import { GrantBonuses, MEMBER_BONUSES } from '#app/loyalty/actions/grant_bonuses'
import {
  detectEncoding,
  isBroken,
  readTable,
  type FileEncoding,
} from '#app/members/imports/read_table'
import { isXlsx, readXlsx } from '#app/members/imports/read_xlsx'
import {
  ATTRIBUTE_FIELD,
  mapHeader,
  type FieldAliases,
  type HeaderMap,
} from '#app/members/imports/columns'
import { MemberAttributes, type AttributeDefinition } from '#app/members/actions/member_attributes'
import { ColumnMappings, columnsOf, mapWithColumns } from '#app/members/imports/column_mappings'
import {
  RowError,
  type ImportContext,
  type Importer,
  type ImportRow,
  type Reject,
  type RowOutcome,
} from '#app/members/imports/importer'
import { memberImporter, type ParsedMember } from '#app/members/imports/member_importer'
import { BulkMemberImport } from '#app/members/imports/bulk_members'
import { BulkRefundImport, type BulkRefundUnit } from '#app/members/imports/bulk_refunds'
import { orderImporter } from '#app/members/imports/order_importer'
import { BulkOrderImport, type BulkUnit } from '#app/members/imports/bulk_orders'
import { refundImporter } from '#app/members/imports/refund_importer'
import type { ImportKind } from '#app/members/models/import'
import { CSV_BOM, csvLine } from '#app/shared/kernel/csv'

export const IMPORTERS: Record<ImportKind, Importer<any>> = {
  members: memberImporter,
  orders: orderImporter,
  refunds: refundImporter,
}

/**
 * The columns an import of this kind understands for this company: the
 * importer's fields and, for members, the custom attributes by label (a
 * built-in field keeps its header: an attribute named 城市 is mapped by hand).
 */
export async function importFields(
  kind: ImportKind,
  companyId: number,
  client: QueryClientContract = db.connection()
) {
  const importer = IMPORTERS[kind]
  const attributes = new Map<string, AttributeDefinition>()
  if (kind === 'members') {
    for (const definition of await new MemberAttributes().definitions(companyId, client))
      attributes.set(`${ATTRIBUTE_FIELD}${definition.id}`, definition)
  }
  const fields: FieldAliases = { ...importer.fields }
  for (const [field, definition] of attributes) fields[field] = [definition.label]
  return { fields, attributes }
}

export interface RunImportOptions {
  companyId: number
  kind: ImportKind
  path: string
  /** Apply everything in a transaction that is rolled back: true counts, nothing kept. */
  dryRun?: boolean
  /**
   * Run inside the caller's transaction (each batch a savepoint), for a
   * caller that decides what is kept — the benchmark rolls it all back.
   * No bonuses are granted at once then (the daily job grants them).
   */
  client?: TransactionClientContract
  /** Stop after this many rows (previews). */
  limit?: number
  defaultShopId?: number | null
  /** Where to write the rejects CSV (UTF-8 with BOM, opens in Excel). */
  rejectsPath?: string | null
  onProgress?: (done: number, total: number, counts: ImportCounts) => Promise<void> | void
  /** Units (orders, members) committed together. */
  batchSize?: number
  /** Language of the reasons in the rejects file. */
  locale?: string
  /** Explicit column mapping: one field per column, '' = ignored (the mapping screen). */
  columns?: string[]
  /** Use a mapping saved earlier for the same header (default true). */
  useSavedMapping?: boolean
  /**
   * The set-based path (BulkOrderImport, BulkMemberImport,
   * BulkRefundImport; default true). False applies every unit (order,
   * member row, refund) on its own, as the per-unit path does.
   */
  bulk?: boolean
  /** Continue a run that stopped part-way: its committed rows are skipped, its counts kept. */
  resumeFrom?: ImportCheckpoint | null
  /**
   * Called in each batch's transaction, just before it commits, with where
   * a run stopped after this batch would continue (store it there, so it
   * is exactly what was committed).
   */
  onCheckpoint?: (checkpoint: ImportCheckpoint, trx: TransactionClientContract) => Promise<void>
  /** Once aborted, the run stops after the next committed batch (throwing the signal's reason). */
  signal?: AbortSignal
}

/**
 * A run's committed state: the counts of the rows its committed batches
 * accounted for (in file order, `rows` of them) and the length of the
 * rejects file holding their rejects.
 */
export interface ImportCheckpoint {
  counts: ImportCounts
  rejectsBytes: number
}

export interface ImportCounts {
  rows: number
  inserted: number
  updated: number
  duplicates: number
  rejected: number
}

export interface ImportSummary extends ImportCounts {
  format: 'csv' | 'xlsx'
  encoding: FileEncoding
  preset: string
  unknownColumns: string[]
  /** The header row as written, and the field each column was read as ('' = ignored). */
  headers: string[]
  columns: string[]
  /** The saved column mapping used, if any. */
  mappingId: number | null
  /** The first rejects (all of them are in the rejects file). */
  rejects: Reject[]
  /** Parsed values of the first units, for the preview screen. */
  preview: Record<string, string | number | null>[]
}

const KEEP_REJECTS = 200
const KEEP_PREVIEW = 20

/**
 * Imports a CSV or XLSX file of members, orders or refunds. Streams it (constant
 * memory), commits in batches, and accounts for every row:
 * rows = inserted + updated + duplicates + rejected. A row that cannot be
 * read, has the wrong number of columns or holds a bad value is rejected
 * with its line, column and reason; the rows around it still import.
 */
export class RunImport {
  async handle(options: RunImportOptions): Promise<ImportSummary> {
    const importer = IMPORTERS[options.kind]
    const format = (await isXlsx(options.path)) ? 'xlsx' : 'csv'
    const encoding = format === 'xlsx' ? 'utf-8' : await detectEncoding(options.path)
    const shops = await (options.client ?? db)
      .from('shops')
      .where('company_id', options.companyId)
      .select('id', 'name', 'platform', 'timezone')
    const { fields, attributes } = await importFields(
      options.kind,
      options.companyId,
      options.client
    )
    const context: ImportContext = {
      attributes,
      companyId: options.companyId,
      zone: DEFAULT_ZONE,
      defaultShopId: options.defaultShopId ?? null,
      shops: new Map(
        shops.map((s: any) => [s.name, { id: s.id, platform: s.platform, timezone: s.timezone }])
      ),
    }
    const bulk = options.bulk !== false
    const batchSize = options.batchSize ?? (bulk ? 2000 : 500)
    const i18n = i18nManager.locale(options.locale ?? 'zh-CN')

    const resume = options.resumeFrom ?? null
    const counts: ImportCounts = resume
      ? { ...resume.counts }
      : { rows: 0, inserted: 0, updated: 0, duplicates: 0, rejected: 0 }
    /** Rows a resumed run passes over: its earlier run committed them. */
    let toSkip = resume?.counts.rows ?? 0
    const summary: ImportSummary = {
      ...counts,
      format,
      encoding,
      preset: 'standard',
      unknownColumns: [],
      headers: [],
      columns: [],
      mappingId: null,
      rejects: [],
      preview: [],
    }

    let rejectsFile: WriteStream | null = null
    let rejectsBytes = 0
    let lastRejectWritten: Promise<unknown> = Promise.resolve()
    const writeRejects = async (text: string) => {
      rejectsBytes += Buffer.byteLength(text)
      let ok = true
      lastRejectWritten = new Promise((resolve) => (ok = rejectsFile!.write(text, resolve)))
      if (!ok) await once(rejectsFile!, 'drain')
    }
    if (options.rejectsPath) {
      await mkdir(dirname(options.rejectsPath), { recursive: true })
      // A resumed run keeps the rejects of the rows it skips, and drops any
      // written after its checkpoint by a batch that never committed.
      const kept = resume ? await keepRejects(options.rejectsPath, resume.rejectsBytes) : false
      rejectsFile = createWriteStream(options.rejectsPath, { flags: kept ? 'a' : 'w' })
      if (kept) rejectsBytes = resume!.rejectsBytes
      else if (resume?.counts.rejected) {
        logger.warn({ path: options.rejectsPath }, 'import resumed without its rejects file')
      }
      if (!kept) await writeRejects(CSV_BOM + csvLine(['line', 'column', 'reason', 'message']))
    }
    const reject = async (line: number, column: string, reason: string) => {
      counts.rejected++
      if (summary.rejects.length < KEEP_REJECTS) summary.rejects.push({ line, column, reason })
      if (rejectsFile) {
        const message = i18n.t(`imports.reasons.${reason}`, {}, reason)
        await writeRejects(csvLine([line, column, reason, message]))
      }
    }

    let bytes = { done: 0, total: 1 }
    const shape = { columns: 0 }
    let header: HeaderMap | null = null
    let group: ImportRow[] = []
    let groupKey: string | null = null
    let trx: TransactionClientContract | null = null
    let unitsInBatch = 0
    /** Members the batch changed: their figures follow (see commitBatch), then bonuses. */
    let touchedMembers: number[] = []
    /** Members the fast path created or kept in step itself: bonuses only. */
    let upToDateMembers: number[] = []
    let pending: { rows: ImportRow[]; parsed: unknown }[] = []

    const flushBulk = async () => {
      if (!pending.length) return
      const units = pending
      pending = []
      trx ??= await (options.client ?? db).transaction()
      const callbacks = {
        fallback: (unit: { rows: ImportRow[]; parsed: unknown }) =>
          applyUnit(unit.rows, unit.parsed),
        done: (unit: { rows: ImportRow[] }, outcome: RowOutcome, memberIds: number[]) => {
          const key = outcome === 'duplicate' ? 'duplicates' : outcome
          counts[key] += unit.rows.length
          touchedMembers.push(...memberIds)
        },
        created: (memberIds: number[]) => upToDateMembers.push(...memberIds),
        // Figures already in step: only what else follows a changed member (bonuses).
        kept: (memberIds: number[]) => upToDateMembers.push(...memberIds),
      }
      if (options.kind === 'members') {
        await new BulkMemberImport(context, trx).run(
          units as { rows: ImportRow[]; parsed: ParsedMember }[],
          callbacks
        )
      } else if (options.kind === 'refunds') {
        await new BulkRefundImport(context.companyId, trx).run(units as BulkRefundUnit[], callbacks)
      } else {
        await new BulkOrderImport(context, trx).run(units as BulkUnit[], callbacks)
      }
    }

    const commitBatch = async () => {
      await flushBulk()
      if (!trx) return
      if (touchedMembers.length) {
        // Orders move a member's figures and the categories bought, a refund the spend
        // only, a member row neither; each still queues the member's RFM and auto tags
        // (profile fields feed the auto tags).
        if (options.kind === 'members') await MemberStats.markRfmDirty(touchedMembers, trx)
        else {
          await MemberStats.recompute(touchedMembers, trx, {
            categories: options.kind === 'orders',
          })
        }
      }
      const bonusMembers = [...touchedMembers, ...upToDateMembers]
      touchedMembers = []
      upToDateMembers = []
      unitsInBatch = 0
      if (!options.dryRun) {
        if (options.onCheckpoint) {
          // Everything read so far is accounted for, except the row that closed the batch.
          const { inserted, updated, duplicates, rejected } = counts
          const rows = inserted + updated + duplicates + rejected
          await lastRejectWritten
          await options.onCheckpoint(
            { counts: { rows, inserted, updated, duplicates, rejected }, rejectsBytes },
            trx
          )
        }
        await trx.commit()
        trx = null
        // New or completed profiles: their bonuses at once, now that the batch is committed.
        // Inside a caller's transaction nothing is committed yet (and on SQLite another
        // connection would wait for it): the daily job grants them once the caller commits.
        if (!options.client) {
          await new GrantBonuses().forMembers(options.companyId, bonusMembers, MEMBER_BONUSES)
        }
      }
      if (options.onProgress) await options.onProgress(bytes.done, bytes.total, { ...counts })
      if (!options.dryRun) options.signal?.throwIfAborted()
    }

    const processUnit = async (rows: ImportRow[]) => {
      if (!rows.length) return
      let parsed: unknown
      try {
        parsed = importer.parse(rows, header!, context)
      } catch (error) {
        return rejectUnit(rows, error)
      }
      if (summary.preview.length < KEEP_PREVIEW) summary.preview.push(importer.describe(parsed))
      if (bulk) pending.push({ rows, parsed })
      else await applyUnit(rows, parsed)
      if (++unitsInBatch >= batchSize) await commitBatch()
    }

    const applyUnit = async (rows: ImportRow[], parsed: unknown) => {
      trx ??= await (options.client ?? db).transaction()
      try {
        const result = await trx.transaction((savepoint) =>
          importer.apply(parsed, savepoint, context)
        )
        const key = result.outcome === 'duplicate' ? 'duplicates' : result.outcome
        counts[key] += rows.length
        touchedMembers.push(...result.memberIds)
      } catch (error) {
        await rejectUnit(rows, error)
      }
    }

    const rejectUnit = async (rows: ImportRow[], error: unknown) => {
      let line = rows[0].line
      let column = ''
      let reason: string
      if (error instanceof RowError) {
        line = error.line
        column = error.column
        reason = error.reason
      } else if (error instanceof DomainError) {
        reason = error.translationKey.split('.').pop()!
      } else {
        logger.error({ err: error, line }, 'import: unexpected error on a row')
        reason = 'unexpected_error'
      }
      for (const row of rows) {
        if (row.line === line) await reject(line, column, reason)
        else await reject(row.line, '', 'order_has_rejected_line')
      }
    }

    try {
      const onBytes = (done: number, total: number) => (bytes = { done, total })
      const records =
        format === 'xlsx'
          ? readXlsx(options.path, { shape, onBytes })
          : readTable(options.path, encoding, { shape, onBytes })
      for await (const record of records) {
        if (!header) {
          if (isBroken(record)) {
            if (toSkip > 0) {
              toSkip--
              continue
            }
            counts.rows++
            await reject(record.line, '', record.reason)
            continue
          }
          let columns = options.columns
          if (!columns && options.useSavedMapping !== false) {
            const saved = await new ColumnMappings().find(
              options.companyId,
              options.kind,
              record.cells
            )
            if (saved) {
              columns = saved.columns
              summary.mappingId = saved.id
            }
          }
          header =
            columns && columns.length === record.cells.length
              ? mapWithColumns(record.cells, columns, fields)
              : mapHeader(record.cells, fields)
          summary.headers = header.headers
          summary.columns = columnsOf(header)
          shape.columns = record.cells.length
          summary.preset = importer.preset(header)
          summary.unknownColumns = header.unknown
          const missing = importer.missing(header, context)
          if (missing.length) {
            throw new DomainError('E_IMPORT_COLUMNS', 'imports.errors.missing_columns', 422, {
              columns: missing.join(', '),
            })
          }
          continue
        }

        if (toSkip > 0) {
          toSkip--
          continue
        }
        if (options.limit && counts.rows >= options.limit) break
        counts.rows++
        if (isBroken(record)) {
          await processUnit(group)
          group = []
          groupKey = null
          await reject(record.line, '', record.reason)
          continue
        }
        let cells = record.cells
        if (
          cells.length > shape.columns &&
          cells.slice(shape.columns).every((c) => c.trim() === '')
        ) {
          cells = cells.slice(0, shape.columns)
        }
        if (cells.length !== shape.columns) {
          await processUnit(group)
          group = []
          groupKey = null
          await reject(record.line, '', 'column_count')
          continue
        }
        const values: Record<string, string> = {}
        for (const [field, index] of header.index) values[field] = cells[index]
        const row: ImportRow = { line: record.line, values }
        const key = importer.key(row)
        if (key !== null && key === groupKey) {
          group.push(row)
          continue
        }
        await processUnit(group)
        group = [row]
        groupKey = key
      }
      await processUnit(group)
      if (!header) throw new DomainError('E_IMPORT_EMPTY', 'imports.errors.empty_file', 422)
      await commitBatch()
      if (!options.dryRun && !options.client && db.connection().dialect.name !== 'postgres') {
        // A large import can leave SQLite's planner statistics far from the tables (they
        // are re-gathered only for tables that changed a lot, from whole indexes as when
        // a connection opens: config/database.ts); PostgreSQL's autovacuum does this by
        // itself.
        await db.rawQuery('pragma optimize = 0x10002')
      }
    } finally {
      const open = trx as TransactionClientContract | null
      if (open && !open.isCompleted) await open.rollback()
      if (rejectsFile) {
        rejectsFile.end()
        await once(rejectsFile, 'close')
      }
    }

    return Object.assign(summary, counts)
  }
}

/**
 * Cuts a rejects file back to its length at a checkpoint; false when there
 * is no such file to continue (it is then written again from the start).
 */
async function keepRejects(path: string, bytes: number): Promise<boolean> {
  const size = await stat(path).then(
    (info) => info.size,
    () => -1
  )
  if (bytes <= 0 || size < bytes) return false
  await truncate(path, bytes)
  return true
}

/** The header row and the first data rows of a file, for the column-mapping screen. */
export async function readSample(path: string, rows = 3) {
  const format = (await isXlsx(path)) ? 'xlsx' : 'csv'
  const records = format === 'xlsx' ? readXlsx(path) : readTable(path, await detectEncoding(path))
  let headers: string[] | null = null
  const samples: string[][] = []
  for await (const record of records) {
    if (isBroken(record)) continue
    if (!headers) headers = record.cells.map((c) => c.trim())
    else samples.push(record.cells)
    if (samples.length >= rows) break
  }
  return { headers: headers ?? [], samples }
}
