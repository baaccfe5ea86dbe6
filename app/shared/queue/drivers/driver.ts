import type JobRun from '#app/shared/queue/models/job_run'

/** Where the process runs: the web server, or a dedicated `queue:work`. */
export type QueueRole = 'web' | 'worker' | 'test'

/**
 * A driver only delivers "run #id now" to a JobRunner; the job_runs table
 * holds the state, so drivers are interchangeable.
 */
export interface QueueDriver {
  readonly name: 'bullmq' | 'in-process'
  enqueue(run: JobRun): Promise<void>
  /** Starts executing (and, for the worker role, recovering and scheduling). */
  start(role: QueueRole): Promise<void>
  /** Resolves once no run is queued or running (tests, graceful shutdown). */
  drain(timeoutMs: number): Promise<void>
  close(): Promise<void>
}
