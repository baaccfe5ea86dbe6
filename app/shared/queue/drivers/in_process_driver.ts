import { DateTime } from 'luxon'
import JobRun from '#app/shared/queue/models/job_run'
import { backoffDelay, type JobRunner } from '#app/shared/queue/job_runner'
import type { QueueDriver, QueueRole } from '#app/shared/queue/drivers/driver'
import { toDbTime } from '#app/shared/kernel/db_values'

interface InProcessOptions {
  concurrency: number
  pollIntervalMs: number
  /** Called on every poll: fires due schedules. */
  onTick: () => Promise<void>
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

  async close() {
    this.#started = false
    if (this.#poll) clearInterval(this.#poll)
    for (const timer of this.#timers) clearTimeout(timer)
    this.#timers.clear()
    this.#waiting = []
    // Let running jobs finish so they are not left "running".
    while (this.#active > 0) await new Promise((resolve) => setTimeout(resolve, 20))
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
        .execute(runId)
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
