/** What one item of a group commit came to: its own result or its own error. */
export type GroupOutcome<R> = { ok: true; value: R } | { ok: false; error: unknown }

interface Waiting<I, R> {
  item: I
  resolve: (value: R) => void
  reject: (error: unknown) => void
}

/**
 * Group commit: items submitted while no batch is running are collected
 * until the end of the tick (`setImmediate`), then committed together by
 * `commit`; items submitted while a batch is running wait for it and form
 * the next batch. One batch runs at a time, so batches of one process never
 * take locks against each other, and the busier the callers the larger the
 * batches — up to `maxBatch` items, so a burst does not become one long
 * transaction (on SQLite a batch holds the write lock and the event loop
 * until it commits). `commit` answers one outcome per item, in order, so each caller
 * gets its own result or error; if it throws, every item of the batch gets
 * that error.
 */
export class GroupCommit<I, R> {
  #waiting: Waiting<I, R>[] = []
  #running = false

  constructor(
    private commit: (items: I[]) => Promise<GroupOutcome<R>[]>,
    private maxBatch = 500
  ) {}

  submit(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.#waiting.push({ item, resolve, reject })
      if (!this.#running && this.#waiting.length === 1) setImmediate(() => void this.#drain())
    })
  }

  async #drain() {
    if (this.#running) return
    this.#running = true
    try {
      while (this.#waiting.length > 0) {
        const batch = this.#waiting.splice(0, this.maxBatch)
        let outcomes: GroupOutcome<R>[]
        try {
          outcomes = await this.commit(batch.map((waiting) => waiting.item))
        } catch (error) {
          for (const waiting of batch) waiting.reject(error)
          continue
        }
        batch.forEach((waiting, index) => {
          const outcome = outcomes[index]
          if (outcome.ok) waiting.resolve(outcome.value)
          else waiting.reject(outcome.error)
        })
      }
    } finally {
      this.#running = false
    }
  }
}
