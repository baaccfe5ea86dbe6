import { Queue as BullQueue, Worker, type Job } from 'bullmq'
import { Redis } from 'ioredis'
import logger from '@adonisjs/core/services/logger'
import JobRun from '#app/shared/queue/models/job_run'
import { type JobRunner } from '#app/shared/queue/job_runner'
import type { QueueDriver, QueueRole } from '#app/shared/queue/drivers/driver'
import { DateTime } from 'luxon'
import { toDbTime } from '#app/shared/kernel/db_values'
import { JobInterrupted } from '#app/shared/queue/define_job'

const SCHEDULE_JOB = '__schedule'
const QUEUE_NAME = 'jobs'

export interface ScheduleSpec {
  name: string
  cron: string
  tz: string
}

interface BullMqOptions {
  url: string
  prefix: string
  concurrency: number
  backoffMs: number
  /** How long closing waits for running jobs before it lets the process go. */
  shutdownGraceMs: number
  schedules: () => ScheduleSpec[]
  fireSchedule: (name: string, firedAtKey: string) => Promise<void>
}

/**
 * BullMQ on Redis: the web process only adds jobs, `node ace queue:work`
 * executes them with retries and backoff and owns the repeatable
 * schedules. Redis carries only run ids; losing Redis loses nothing,
 * because the worker re-adds every queued run from the database.
 */
export class BullMqDriver implements QueueDriver {
  readonly name = 'bullmq'
  #connection: Redis
  #queue: BullQueue
  #worker: Worker | null = null
  #workerConnection: Redis | null = null
  #sweep: NodeJS.Timeout | null = null
  #stopping = new AbortController()

  constructor(
    private runner: JobRunner,
    private options: BullMqOptions
  ) {
    this.#connection = new Redis(options.url, { maxRetriesPerRequest: null, lazyConnect: true })
    this.#queue = new BullQueue(QUEUE_NAME, {
      connection: this.#connection,
      prefix: options.prefix,
    })
  }

  async enqueue(run: JobRun) {
    const delay = run.availableAt ? Math.max(0, run.availableAt.toMillis() - Date.now()) : 0
    await this.#queue.add(
      run.jobName,
      { runId: run.id },
      {
        delay,
        attempts: Math.max(1, run.maxAttempts - run.attempts),
        backoff: { type: 'exponential', delay: this.options.backoffMs },
        removeOnComplete: 1000,
        removeOnFail: 5000,
      }
    )
  }

  async start(role: QueueRole) {
    if (role === 'web' || this.#worker) return

    this.#workerConnection = this.#connection.duplicate()
    this.#worker = new Worker(QUEUE_NAME, (job) => this.#process(job), {
      connection: this.#workerConnection,
      prefix: this.options.prefix,
      concurrency: this.options.concurrency,
    })
    this.#worker.on('error', (error) => logger.error({ err: error }, 'queue worker error'))

    if (role === 'worker') {
      for (const schedule of this.options.schedules()) {
        await this.#queue.upsertJobScheduler(
          `schedule:${schedule.name}`,
          { pattern: schedule.cron, tz: schedule.tz },
          { name: SCHEDULE_JOB, data: { schedule: schedule.name } }
        )
      }
      await this.#requeueOrphans()
      this.#sweep = setInterval(() => void this.#requeueOrphans().catch(() => {}), 60_000)
      this.#sweep.unref()
    }
  }

  async drain(timeoutMs: number) {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const counts = await this.#queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized')
      if (Object.values(counts).every((count) => count === 0)) return
      if (Date.now() > deadline) throw new Error(`Jobs still running after ${timeoutMs} ms`)
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
  }

  /**
   * Tells running jobs to stop at their next safe point (they are queued
   * again, see #process) and waits for them up to the grace; past it the
   * worker is closed without waiting, and BullMQ's stalled-job check hands
   * what was left running to the next worker.
   */
  async close() {
    if (this.#sweep) clearInterval(this.#sweep)
    this.#stopping.abort(new JobInterrupted())
    if (this.#worker) {
      const closed = this.#worker.close().then(() => true)
      const inTime = await Promise.race([
        closed,
        new Promise<false>((resolve) =>
          setTimeout(resolve, this.options.shutdownGraceMs, false).unref()
        ),
      ])
      if (!inTime) {
        logger.warn(
          { graceMs: this.options.shutdownGraceMs },
          'queue closing with jobs still running; the next worker takes them over'
        )
        await this.#worker.close(true)
      }
    }
    await this.#queue.close()
    // Connections we pass in are "shared" for BullMQ, which leaves closing them to us.
    this.#workerConnection?.disconnect()
    this.#connection.disconnect()
  }

  /** For /health. */
  async ping(): Promise<string> {
    return this.#connection.ping()
  }

  async #process(job: Job) {
    if (job.name === SCHEDULE_JOB) {
      // The tick this job was scheduled for, keyed the same way as the in-process driver's.
      const tick = DateTime.fromMillis(job.timestamp + (job.opts.delay ?? 0), {
        zone: 'utc',
      }).startOf('minute')
      await this.options.fireSchedule(job.data.schedule, tick.toISO()!)
      return
    }
    const outcome = await this.runner.execute(job.data.runId, this.#stopping.signal)
    // Throwing hands the retry (and its backoff) to BullMQ; the run row
    // was already put back to "queued" by the runner.
    if (outcome === 'retry') throw new Error(`Run ${job.data.runId} failed; retrying`)
    // Stopped by this worker's shutdown: queued again for the next worker (the queue is still open).
    if (outcome === 'interrupted') {
      const run = await JobRun.find(job.data.runId)
      if (run?.status === 'queued') await this.enqueue(run)
    }
  }

  /** Queued runs Redis does not know about (Redis restarted, web crashed between insert and add). */
  async #requeueOrphans() {
    const recovered = await this.runner.recoverStale()
    const lost = await JobRun.query()
      .where('status', 'queued')
      .where('updated_at', '<', toDbTime(DateTime.utc().minus({ minutes: 1 })))
      .where((query) =>
        query
          .whereNull('available_at')
          .orWhere('available_at', '<', toDbTime(DateTime.utc().minus({ minutes: 1 })))
      )
      .orderBy('id')
      .limit(500)
    const ids = new Set(recovered)
    for (const run of lost) ids.add(run.id)
    for (const id of ids) {
      const run = await JobRun.find(id)
      if (run?.status === 'queued') await this.enqueue(run)
    }
  }
}
