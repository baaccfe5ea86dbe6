import { DateTime } from 'luxon'
import app from '@adonisjs/core/services/app'
import Import, { type ImportKind } from '#app/members/models/import'
import { RunImport, type ImportCounts, type ImportSummary } from '#app/members/imports/run_import'

/**
 * Runs a recorded import (from the upload page's job or the CLI) and keeps
 * its row up to date: running, counts as they grow, then succeeded with the
 * rejects file, or failed with the reason.
 */
export class ExecuteImport {
  static rejectsPathFor(importId: number) {
    return app.tmpPath('imports', `${importId}-rejects.csv`)
  }

  async record(input: {
    companyId: number
    kind: ImportKind
    fileName: string
    filePath: string
    requestedById: number | null
  }) {
    return Import.create({
      ...input,
      status: 'queued',
      rows: 0,
      inserted: 0,
      updated: 0,
      duplicates: 0,
      rejected: 0,
    })
  }

  async handle(
    record: Import,
    options: {
      defaultShopId?: number | null
      onProgress?: (done: number, total: number) => Promise<void> | void
    } = {}
  ): Promise<ImportSummary> {
    // A retried job starts over: the upserts make the rows already done duplicates.
    record.merge({ status: 'running', startedAt: DateTime.utc(), finishedAt: null, error: null })
    await record.save()
    try {
      const summary = await new RunImport().handle({
        companyId: record.companyId,
        kind: record.kind,
        path: record.filePath,
        defaultShopId: options.defaultShopId,
        rejectsPath: ExecuteImport.rejectsPathFor(record.id),
        onProgress: async (done, total, counts) => {
          await this.saveCounts(record, counts)
          await options.onProgress?.(done, total)
        },
      })
      record.merge({
        status: 'succeeded',
        encoding: summary.format === 'xlsx' ? 'xlsx' : summary.encoding,
        preset: summary.preset,
        rejectsPath: ExecuteImport.rejectsPathFor(record.id),
        finishedAt: DateTime.utc(),
      })
      await this.saveCounts(record, summary)
      return summary
    } catch (error) {
      record.merge({
        status: 'failed',
        error: error instanceof Error ? error.message : String(error),
        finishedAt: DateTime.utc(),
      })
      await record.save()
      throw error
    }
  }

  private async saveCounts(record: Import, counts: ImportCounts) {
    record.merge({
      rows: counts.rows,
      inserted: counts.inserted,
      updated: counts.updated,
      duplicates: counts.duplicates,
      rejected: counts.rejected,
    })
    await record.save()
  }
}
