import type { Logger } from '@adonisjs/core/logger'
import type JobRun from '#app/shared/queue/models/job_run'

export interface JobContext<Payload> {
  payload: Payload
  run: JobRun
  /** 1 on the first try. */
  attempt: number
  logger: Logger
  /** Record progress as done/total; the UI shows it as a percentage. */
  progress(done: number, total?: number): Promise<void>
  /** Record counts so far ({ rows, inserted, … }); merged into the run. */
  report(counts: Record<string, number>): Promise<void>
  /**
   * Aborted when the process is stopping (a deploy, SIGTERM). A long job
   * checks it at safe points (`signal.throwIfAborted()` after a committed
   * batch): the run goes back to the queue without using up an attempt and
   * the next process continues it. A job that never checks is waited for
   * until the queue's shutdown grace runs out.
   */
  signal: AbortSignal
}

/** Why a stopping process aborts its jobs' signal: the run is handed back, not failed. */
export class JobInterrupted extends Error {
  constructor() {
    super('The process running this job is stopping; the next one continues it.')
    this.name = 'JobInterrupted'
  }
}

export interface JobDefinition<Payload = unknown> {
  /** Unique, prefixed with the module: `members.import`. */
  name: string
  /** Tries before the run is marked failed; retries back off exponentially. */
  maxAttempts?: number
  /**
   * Does the work. Must be safe to run again after a crash or a stop
   * part-way (resume from what is already stored, or use idempotency keys).
   * May return final counts.
   */
  handle(context: JobContext<Payload>): Promise<Record<string, number> | void>
}

/** Declares a job; register it in start/jobs.ts so workers can find it. */
export function defineJob<Payload>(definition: JobDefinition<Payload>): JobDefinition<Payload> {
  return definition
}
