import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { Queue as BullQueue } from 'bullmq'
import { Redis } from 'ioredis'
import { randomUUID } from 'node:crypto'
import { defineJob } from '#app/shared/queue/define_job'
import JobRun from '#app/shared/queue/models/job_run'
import { JobRunner } from '#app/shared/queue/job_runner'
import { InProcessDriver } from '#app/shared/queue/drivers/in_process_driver'
import { BullMqDriver } from '#app/shared/queue/drivers/bullmq_driver'

const redisUrl = process.env.REDIS_URL

/** Resolves when the job under test has started. */
let started: () => void = () => {}
const startedOnce = () => new Promise<void>((resolve) => (started = resolve))

/** A long job that stops at its safe point when its process is stopping. */
const stoppableJob = defineJob({
  name: 'test.stoppable',
  async handle({ signal }) {
    started()
    await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }))
    signal.throwIfAborted()
  },
})

/** A job that never looks at its signal, released by the test. */
let release: () => void = () => {}
const stubbornJob = defineJob({
  name: 'test.stubborn',
  async handle() {
    started()
    await new Promise<void>((resolve) => (release = resolve))
    return { finished: 1 }
  },
})

const runner = () =>
  new JobRunner(
    new Map([
      [stoppableJob.name, stoppableJob],
      [stubbornJob.name, stubbornJob],
    ])
  )

const inProcess = (shutdownGraceMs: number) =>
  new InProcessDriver(runner(), {
    concurrency: 2,
    pollIntervalMs: 60_000,
    onTick: async () => {},
    shutdownGraceMs,
  })

/** Starts the driver, queues a run of `jobName` on it and returns once the job is running. */
async function runningJob(driver: InProcessDriver | BullMqDriver, jobName: string) {
  await driver.start('test')
  const run = await JobRun.create({
    jobName,
    status: 'queued',
    payload: null,
    progress: 0,
    attempts: 0,
    maxAttempts: 2,
  })
  const running = startedOnce()
  await driver.enqueue(run)
  await running
  return run
}

test.group('Queue / shutdown', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a job that honours the stop signal goes back to the queue without using an attempt', async ({
    assert,
  }) => {
    const driver = inProcess(10_000)
    const run = await runningJob(driver, stoppableJob.name)

    await driver.close()
    await run.refresh()
    assert.equal(run.status, 'queued')
    assert.equal(run.attempts, 0)
    assert.isNull(run.availableAt)
    assert.include(run.error!, 'stopping')
  })

  test('closing waits for a job that ignores the signal only until the grace runs out', async ({
    assert,
  }) => {
    const driver = inProcess(100)
    const run = await runningJob(driver, stubbornJob.name)

    await driver.close()
    await run.refresh()
    assert.equal(run.status, 'running', 'left for recovery once its heartbeat stops')

    // The job itself is not cut off: released, it still finishes and records it.
    release()
    for (let i = 0; i < 200 && run.status === 'running'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10))
      await run.refresh()
    }
    assert.equal(run.status, 'completed')
  })

  test('on BullMQ a stopped job is queued again for the next worker', async ({ assert }) => {
    const prefix = `qz-shutdown-${randomUUID()}`
    const driver = new BullMqDriver(runner(), {
      url: redisUrl!,
      prefix,
      concurrency: 1,
      backoffMs: 20,
      shutdownGraceMs: 10_000,
      schedules: () => [],
      fireSchedule: async () => {},
    })
    const run = await runningJob(driver, stoppableJob.name)

    await driver.close()
    await run.refresh()
    assert.equal(run.status, 'queued')
    assert.equal(run.attempts, 0)

    const connection = new Redis(redisUrl!, { maxRetriesPerRequest: null })
    const jobs = new BullQueue('jobs', { connection, prefix })
    try {
      const waiting = await jobs.getJobs(['waiting'])
      assert.deepEqual(
        waiting.map((job) => job.data.runId),
        [run.id]
      )
    } finally {
      await jobs.obliterate({ force: true })
      await jobs.close()
      connection.disconnect()
    }
  }).skip(!redisUrl, 'needs REDIS_URL')
})
