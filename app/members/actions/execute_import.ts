import { DateTime } from 'luxon'
import { toDbTime } from '#app/shared/kernel/db_values'
import app from '@adonisjs/core/services/app'
import Import, { type ImportKind } from '#app/members/models/import'
import {
  RunImport,
  type ImportCheckpoint,
  type ImportCounts,
  type ImportSummary,
} from '#app/members/imports/run_import'

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
      /** The job's stop signal: the import stops after its next committed batch. */
      signal?: AbortSignal
      /** Units per committed batch (RunImport's default otherwise). */
      batchSize?: number
    } = {}
  ): Promise<ImportSummary> {
    // A run that stopped part-way (a restart, a crash, a failed attempt)
    // continues after the rows its committed batches accounted for.
    const resumeFrom: ImportCheckpoint | null =
      record.checkpointRows == null
        ? null
        : {
            counts: {
              rows: record.checkpointRows,
              inserted: record.inserted,
              updated: record.updated,
              duplicates: record.duplicates,
              rejected: record.rejected,
            },
            rejectsBytes: record.checkpointRejectsBytes ?? 0,
          }
    record.merge({ status: 'running', startedAt: DateTime.utc(), finishedAt: null, error: null })
    if (!resumeFrom)
      this.setCounts(record, { rows: 0, inserted: 0, updated: 0, duplicates: 0, rejected: 0 })
    await record.save()
    try {
      const summary = await new RunImport().handle({
        companyId: record.companyId,
        kind: record.kind,
        path: record.filePath,
        defaultShopId: options.defaultShopId,
        rejectsPath: ExecuteImport.rejectsPathFor(record.id),
        resumeFrom,
        signal: options.signal,
        batchSize: options.batchSize,
        onCheckpoint: async ({ counts, rejectsBytes }, trx) => {
          // In the batch's transaction: the stored counts and checkpoint are what committed.
          await Import.query({ client: trx })
            .where('id', record.id)
            .update({
              ...counts,
              checkpoint_rows: counts.rows,
              checkpoint_rejects_bytes: rejectsBytes,
              updated_at: toDbTime(DateTime.utc(), trx),
            })
        },
        onProgress: (done, total) => options.onProgress?.(done, total),
      })
      // onCheckpoint wrote the row directly: read it back so that clearing the checkpoint is saved.
      await record.refresh()
      record.merge({
        status: 'succeeded',
        encoding: summary.format === 'xlsx' ? 'xlsx' : summary.encoding,
        preset: summary.preset,
        rejectsPath: ExecuteImport.rejectsPathFor(record.id),
        finishedAt: DateTime.utc(),
        checkpointRows: null,
        checkpointRejectsBytes: null,
      })
      this.setCounts(record, summary)
      await record.save()
      return summary
    } catch (error) {
      const interrupted = options.signal?.aborted && error === options.signal.reason
      // The counts and checkpoint of the batches that committed, as onCheckpoint stored them.
      await record.refresh()
      // Stopped by a shutdown: queued again, to continue in the next process.
      record.merge(
        interrupted
          ? { status: 'queued' }
          : {
              status: 'failed',
              error: error instanceof Error ? error.message : String(error),
              finishedAt: DateTime.utc(),
            }
      )
      await record.save()
      throw error
    }
  }

  private setCounts(record: Import, counts: ImportCounts) {
    record.merge({
      rows: counts.rows,
      inserted: counts.inserted,
      updated: counts.updated,
      duplicates: counts.duplicates,
      rejected: counts.rejected,
    })
  }
}
