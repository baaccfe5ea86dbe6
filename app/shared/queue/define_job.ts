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
}

export interface JobDefinition<Payload = unknown> {
  /** Unique, prefixed with the module: `members.import`. */
  name: string
  /** Tries before the run is marked failed; retries back off exponentially. */
  maxAttempts?: number
  /**
   * Does the work. Must be safe to run again after a crash part-way
   * (resume from what is already stored, or use idempotency keys).
   * May return final counts.
   */
  handle(context: JobContext<Payload>): Promise<Record<string, number> | void>
}

/** Declares a job; register it in start/jobs.ts so workers can find it. */
export function defineJob<Payload>(definition: JobDefinition<Payload>): JobDefinition<Payload> {
  return definition
}
