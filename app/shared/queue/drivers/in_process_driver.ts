import { DateTime } from 'luxon'
import JobRun from '#app/shared/queue/models/job_run'
import { backoffDelay, type JobRunner } from '#app/shared/queue/job_runner'
import type { QueueDriver, QueueRole } from '#app/shared/queue/drivers/driver'
import { toDbTime } from '#app/shared/kernel/db_values'
import { JobInterrupted } from '#app/shared/queue/define_job'
import logger from '@adonisjs/core/services/logger'

interface InProcessOptions {
  concurrency: number
  pollIntervalMs: number
  /** Called on every poll: fires due schedules. */
  onTick: () => Promise<void>
  /** How long closing waits for running jobs before it lets the process go. */
  shutdownGraceMs: number
}

/**
 * Runs jobs inside this process when there is no Redis. Same API and
 * retries as BullMQ; the database poll picks up retries, runs queued by
 * other processes (ace commands) and runs left behind by a crash.
 */
export class InProcessDriver implements QueueDriver {
  readonly name = 'in-process'
  #started = false
  #role: QueueRole = 'web'
  #timers = new Set<NodeJS.Timeout>()
  #waiting: number[] = []
  #scheduled = new Set<number>()
  #active = 0
  #poll: NodeJS.Timeout | null = null
  #polling = false
  #stopping = new AbortController()

  constructor(
    private runner: JobRunner,
    private options: InProcessOptions
  ) {}

  async enqueue(run: JobRun) {
    if (!this.#started) return
    const delay = run.availableAt ? Math.max(0, run.availableAt.toMillis() - Date.now()) : 0
    this.#later(run.id, delay)
  }

  async start(role: QueueRole) {
    if (this.#started) return
    this.#started = true
    this.#stopping = new AbortController()
    this.#role = role
    if (role === 'test') return

    await this.runner.recoverStale()
    this.#poll = setInterval(() => void this.#tick(), this.options.pollIntervalMs)
    this.#poll.unref()
    await this.#tick()
  }

  async drain(timeoutMs: number) {
    const deadline = Date.now() + timeoutMs
    while (this.#timers.size > 0 || this.#waiting.length > 0 || this.#active > 0) {
      if (Date.now() > deadline) throw new Error(`Jobs still running after ${timeoutMs} ms`)
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
  }

  /**
   * Takes no more work and tells running jobs to stop at their next safe
   * point (they go back to the queue); waits for them up to the grace. A job
   * still running then is left "running" for recovery (stale after its
   * heartbeat stops) rather than holding the process up indefinitely.
   */
  async close() {
    this.#started = false
    if (this.#poll) clearInterval(this.#poll)
    for (const timer of this.#timers) clearTimeout(timer)
    this.#timers.clear()
    this.#waiting = []
    this.#stopping.abort(new JobInterrupted())
    const deadline = Date.now() + this.options.shutdownGraceMs
    while (this.#active > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    if (this.#active > 0) {
      logger.warn(
        { running: this.#active, graceMs: this.options.shutdownGraceMs },
        'queue closing with jobs still running; they are re-queued once their heartbeat is stale'
      )
    }
  }

  async #tick() {
    if (this.#polling || !this.#started) return
    this.#polling = true
    try {
      await this.options.onTick()
      const due = await JobRun.query()
        .where('status', 'queued')
        .where((query) =>
          query.whereNull('available_at').orWhere('available_at', '<=', toDbTime(DateTime.utc()))
        )
        .orderBy('id')
        .limit(50)
        .select('id')
      for (const { id } of due) if (!this.#scheduled.has(id)) this.#later(id, 0)
    } catch {
      // The database may be briefly unavailable; the next tick tries again.
    } finally {
      this.#polling = false
    }
  }

  #later(runId: number, delayMs: number) {
    if (this.#scheduled.has(runId)) return
    this.#scheduled.add(runId)
    const timer = setTimeout(() => {
      this.#timers.delete(timer)
      this.#waiting.push(runId)
      this.#pump()
    }, delayMs)
    if (this.#role !== 'test') timer.unref()
    this.#timers.add(timer)
  }

  #pump() {
    while (this.#active < this.options.concurrency && this.#waiting.length > 0) {
      const runId = this.#waiting.shift()!
      this.#active++
      this.runner
        .execute(runId, this.#stopping.signal)
        .then(async (outcome) => {
          this.#scheduled.delete(runId)
          // The database keeps available_at to the second only; wait the exact backoff here.
          if (outcome === 'retry' && this.#started) {
            const run = await JobRun.find(runId)
            if (run?.status === 'queued') this.#later(runId, backoffDelay(run.attempts))
          }
        })
        .catch(() => this.#scheduled.delete(runId))
        .finally(() => {
          this.#active--
          this.#pump()
        })
    }
  }
}
