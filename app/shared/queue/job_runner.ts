import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import logger from '@adonisjs/core/services/logger'
import JobRun from '#app/shared/queue/models/job_run'
import { JobInterrupted, type JobContext, type JobDefinition } from '#app/shared/queue/define_job'
import queueConfig from '#config/queue'
import { toDbTime } from '#app/shared/kernel/db_values'

export type RunOutcome = 'completed' | 'retry' | 'failed' | 'skipped' | 'interrupted'

/** Rows changed by an update, whatever shape the driver reports it in. */
function affectedRows(result: unknown): number {
  return Array.isArray(result) ? Number(result[0] ?? 0) : Number(result)
}

/** The signal of a runner whose process never stops it (tests, one-off calls). */
const NEVER = new AbortController().signal

/** Exponential backoff: base, 2×base, 4×base … */
export function backoffDelay(attempt: number, baseMs = queueConfig.backoffMs): number {
  return baseMs * 2 ** Math.max(0, attempt - 1)
}

/**
 * Executes job runs. Both drivers call `execute(runId)`; the database
 * decides who runs what: a run is claimed with a conditional update, so a
 * run delivered twice (Redis redelivery, a second process, recovery) is
 * executed once.
 */
export class JobRunner {
  constructor(private definitions: Map<string, JobDefinition<any>>) {}

  /**
   * `stopping` is the driver's: aborted (with JobInterrupted) when its
   * process shuts down, it reaches the job as `context.signal`.
   */
  async execute(runId: number, stopping: AbortSignal = NEVER): Promise<RunOutcome> {
    const claimed = await db
      .from('job_runs')
      .where('id', runId)
      .where('status', 'queued')
      .update({
        status: 'running',
        attempts: db.raw('attempts + 1'),
        started_at: toDbTime(DateTime.utc()),
        updated_at: toDbTime(DateTime.utc()),
        error: null,
      })
    if (affectedRows(claimed) !== 1) return 'skipped'

    const run = await JobRun.findOrFail(runId)
    const definition = this.definitions.get(run.jobName)
    if (!definition) {
      await this.finish(
        run,
        'failed',
        `Unknown job "${run.jobName}": is it registered in start/jobs.ts?`
      )
      return 'failed'
    }

    const jobLogger = logger.child({ job: run.jobName, runId: run.id, attempt: run.attempts })
    const heartbeat = setInterval(() => {
      db.from('job_runs')
        .where('id', run.id)
        .update({ updated_at: toDbTime(DateTime.utc()) })
        .catch(() => {})
    }, 30_000)
    heartbeat.unref()

    let lastProgress = run.progress
    const context: JobContext<unknown> = {
      payload: run.payload,
      run,
      attempt: run.attempts,
      logger: jobLogger,
      progress: async (done, total = 100) => {
        const percent = total > 0 ? Math.min(100, Math.max(0, Math.floor((done / total) * 100))) : 0
        if (percent === lastProgress) return
        lastProgress = percent
        run.progress = percent
        await db
          .from('job_runs')
          .where('id', run.id)
          .update({ progress: percent, updated_at: toDbTime(DateTime.utc()) })
      },
      signal: stopping,
      report: async (counts) => {
        run.counts = { ...(run.counts ?? {}), ...counts }
        await db
          .from('job_runs')
          .where('id', run.id)
          .update({ counts: JSON.stringify(run.counts), updated_at: toDbTime(DateTime.utc()) })
      },
    }

    try {
      const counts = await definition.handle(context)
      if (counts) run.counts = { ...(run.counts ?? {}), ...counts }
      run.progress = 100
      await this.finish(run, 'completed', null)
      jobLogger.info('job completed')
      return 'completed'
    } catch (error) {
      if (error instanceof JobInterrupted) {
        // Stopped at a safe point by a shutdown: not a failure, so the attempt is given back.
        run.status = 'queued'
        run.attempts = Math.max(0, run.attempts - 1)
        run.error = error.message
        run.availableAt = null
        await run.save()
        jobLogger.info('job interrupted by shutdown; queued to continue')
        return 'interrupted'
      }
      const message = error instanceof Error ? error.message : String(error)
      if (run.attempts < run.maxAttempts) {
        run.status = 'queued'
        run.error = message
        run.availableAt = DateTime.utc().plus({ milliseconds: backoffDelay(run.attempts) })
        await run.save()
        jobLogger.warn({ err: error }, 'job failed, will retry')
        return 'retry'
      }
      await this.finish(run, 'failed', message)
      jobLogger.error({ err: error }, 'job failed')
      return 'failed'
    } finally {
      clearInterval(heartbeat)
    }
  }

  /**
   * Runs left "running" by a process that died go back to the queue (or
   * fail when out of attempts). Returns the ids that were re-queued.
   */
  async recoverStale(staleAfterMs = queueConfig.staleAfterMs): Promise<number[]> {
    const cutoff = toDbTime(DateTime.utc().minus({ milliseconds: staleAfterMs }))
    const stale = await JobRun.query().where('status', 'running').where('updated_at', '<', cutoff)
    const requeued: number[] = []
    for (const run of stale) {
      if (run.attempts >= run.maxAttempts) {
        await this.finish(run, 'failed', 'The process running this job stopped.')
      } else {
        run.status = 'queued'
        run.error = 'The process running this job stopped; retrying.'
        run.availableAt = null
        await run.save()
        requeued.push(run.id)
      }
    }
    return requeued
  }

  private async finish(run: JobRun, status: 'completed' | 'failed', error: string | null) {
    run.status = status
    run.error = error
    run.finishedAt = DateTime.utc()
    await run.save()
  }
}
