import { DateTime } from 'luxon'
import { CronExpressionParser } from 'cron-parser'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import JobRun from '#app/shared/queue/models/job_run'
import { JobRunner } from '#app/shared/queue/job_runner'
import type { JobDefinition } from '#app/shared/queue/define_job'
import type { QueueDriver, QueueRole } from '#app/shared/queue/drivers/driver'
import { InProcessDriver } from '#app/shared/queue/drivers/in_process_driver'
import { BullMqDriver } from '#app/shared/queue/drivers/bullmq_driver'
import queueConfig from '#config/queue'
import { DEFAULT_ZONE } from '#app/shared/kernel/time'

export interface DispatchOptions {
  /** The same key twice returns the first run; the job runs once. */
  idempotencyKey?: string
  requestedBy?: { id: number } | null
  delayMs?: number
  /** Insert the run inside this transaction; it is enqueued after commit. */
  client?: TransactionClientContract
}

interface Schedule {
  job: JobDefinition<any>
  cron: string
  tz: string
  payload: unknown
}

/**
 * The one queue API of Quanzi. Modules define jobs with `defineJob`,
 * register them in start/jobs.ts and dispatch them here; whether BullMQ or
 * the in-process driver executes them is configuration.
 */
export class Queue {
  #definitions = new Map<string, JobDefinition<any>>()
  #schedules = new Map<string, Schedule>()
  #lastFired = new Map<string, string>()
  #runner = new JobRunner(this.#definitions)
  #driver: QueueDriver | null = null

  register(...jobs: JobDefinition<any>[]) {
    for (const job of jobs) {
      const existing = this.#definitions.get(job.name)
      if (existing && existing !== job) throw new Error(`Two jobs are named "${job.name}"`)
      this.#definitions.set(job.name, job)
    }
  }

  /** Runs `job` on a cron pattern, in the company zone unless told otherwise. Fires once per tick, whatever the number of processes. */
  schedule<Payload>(
    job: JobDefinition<Payload>,
    when: { cron: string; tz?: string },
    payload: Payload
  ) {
    this.register(job)
    CronExpressionParser.parse(when.cron) // refuse a bad pattern at boot
    this.#schedules.set(job.name, { job, cron: when.cron, tz: when.tz ?? DEFAULT_ZONE, payload })
  }

  get registeredJobs(): string[] {
    return [...this.#definitions.keys()].sort()
  }

  get schedules() {
    return [...this.#schedules.values()].map(({ job, cron, tz }) => ({ name: job.name, cron, tz }))
  }

  get driverName(): QueueDriver['name'] {
    return this.driver.name
  }

  get driver(): QueueDriver {
    if (!this.#driver) {
      const onTick = () => this.fireDueSchedules()
      this.#driver = queueConfig.redisUrl
        ? new BullMqDriver(this.#runner, {
            url: queueConfig.redisUrl,
            prefix: queueConfig.prefix,
            concurrency: queueConfig.concurrency,
            backoffMs: queueConfig.backoffMs,
            shutdownGraceMs: queueConfig.shutdownGraceMs,
            schedules: () => this.schedules,
            fireSchedule: (name, key) => this.#fire(name, key),
          })
        : new InProcessDriver(this.#runner, {
            concurrency: queueConfig.concurrency,
            pollIntervalMs: queueConfig.pollIntervalMs,
            shutdownGraceMs: queueConfig.shutdownGraceMs,
            onTick,
          })
    }
    return this.#driver
  }

  async dispatch<Payload>(
    job: JobDefinition<Payload>,
    payload: Payload,
    options: DispatchOptions = {}
  ): Promise<JobRun> {
    this.register(job)
    if (options.idempotencyKey) {
      const existing = await JobRun.query({ client: options.client })
        .where('idempotency_key', options.idempotencyKey)
        .first()
      if (existing) return existing
    }

    const run = new JobRun()
    if (options.client) run.useTransaction(options.client)
    run.fill({
      jobName: job.name,
      idempotencyKey: options.idempotencyKey ?? null,
      status: 'queued',
      payload: payload ?? null,
      progress: 0,
      attempts: 0,
      maxAttempts: job.maxAttempts ?? 3,
      requestedById: options.requestedBy?.id ?? null,
      availableAt: options.delayMs ? DateTime.utc().plus({ milliseconds: options.delayMs }) : null,
    })
    try {
      await run.save()
    } catch (error) {
      // Lost a race for the same idempotency key: the other insert wins.
      if (!options.idempotencyKey) throw error
      const winner = await JobRun.query({ client: options.client })
        .where('idempotency_key', options.idempotencyKey)
        .first()
      if (!winner) throw error
      return winner
    }

    if (options.client) options.client.after('commit', () => this.driver.enqueue(run))
    else await this.driver.enqueue(run)
    return run
  }

  /** Starts executing jobs in this process (`web`, `test` or the `queue:work` worker). */
  async start(role: QueueRole) {
    await this.driver.start(role)
  }

  /** Waits for dispatched jobs to finish (tests; graceful shutdown). */
  async drain(timeoutMs = 20_000) {
    await this.driver.drain(timeoutMs)
  }

  async close() {
    if (this.#driver) await this.#driver.close()
    this.#driver = null
  }

  /** Liveness of the backing store for /health: null when there is none to check. */
  async ping(): Promise<string | null> {
    const driver = this.driver
    return driver instanceof BullMqDriver ? driver.ping() : null
  }

  /** In-process schedules: dispatch the latest due tick of each schedule, once (the key is the tick). */
  async fireDueSchedules(now: DateTime = DateTime.utc()) {
    for (const [name, schedule] of this.#schedules) {
      const tick = CronExpressionParser.parse(schedule.cron, {
        currentDate: now.toJSDate(),
        tz: schedule.tz,
      }).prev()
      const key = DateTime.fromJSDate(tick.toDate()).toUTC().startOf('minute').toISO()!
      if (this.#lastFired.get(name) === key) continue
      await this.#fire(name, key)
      this.#lastFired.set(name, key)
    }
  }

  async #fire(name: string, tickKey: string) {
    const schedule = this.#schedules.get(name)
    if (!schedule) return
    await this.dispatch(schedule.job, schedule.payload, {
      idempotencyKey: `schedule:${name}:${tickKey}`,
    })
  }
}

const queue = new Queue()
export default queue
