import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import queue, { Queue } from '#app/shared/queue/queue'
import { defineJob } from '#app/shared/queue/define_job'
import JobRun from '#app/shared/queue/models/job_run'
import { JobRunner } from '#app/shared/queue/job_runner'
import { createStaff } from '#tests/support/staff'
import { toDbTime } from '#app/shared/kernel/db_values'

/** A job that records what it saw, to assert how often and how it ran. */
const seen: { payload: unknown; attempt: number }[] = []
const countingJob = defineJob<{ rows: number }>({
  name: 'test.counting',
  async handle({ payload, progress, report, attempt }) {
    seen.push({ payload, attempt })
    for (let done = 1; done <= payload.rows; done++) await progress(done, payload.rows)
    await report({ rows: payload.rows })
    return { inserted: payload.rows - 1, rejected: 1 }
  },
})

let flakyFailures = 0
const flakyJob = defineJob<{ failTimes: number }>({
  name: 'test.flaky',
  maxAttempts: 3,
  async handle({ payload, attempt }) {
    if (attempt <= payload.failTimes) {
      flakyFailures++
      throw new Error(`flaky failure ${attempt}`)
    }
    return { attempt }
  },
})

test.group('Queue', (group) => {
  group.each.setup(() => {
    seen.length = 0
    flakyFailures = 0
    return testUtils.db().withGlobalTransaction()
  })

  test('BullMQ runs the jobs when REDIS_URL is set, the in-process driver otherwise', async ({
    assert,
  }) => {
    assert.equal(queue.driverName, process.env.REDIS_URL ? 'bullmq' : 'in-process')
  })

  test('a dispatched job runs once, records progress and counts on its run', async ({ assert }) => {
    const run = await queue.dispatch(countingJob, { rows: 4 })
    assert.equal(run.status, 'queued')
    await queue.drain()

    await run.refresh()
    assert.equal(run.status, 'completed')
    assert.equal(run.progress, 100)
    assert.equal(run.attempts, 1)
    assert.deepEqual(run.counts, { rows: 4, inserted: 3, rejected: 1 })
    assert.isNotNull(run.finishedAt)
    assert.lengthOf(seen, 1)
  })

  test('the same idempotency key twice returns the first run and the job runs once', async ({
    assert,
  }) => {
    const first = await queue.dispatch(countingJob, { rows: 1 }, { idempotencyKey: 'import:42' })
    const second = await queue.dispatch(countingJob, { rows: 1 }, { idempotencyKey: 'import:42' })
    await queue.drain()
    assert.equal(second.id, first.id)
    assert.lengthOf(seen, 1)
    assert.lengthOf(await JobRun.query().where('idempotency_key', 'import:42'), 1)
  })

  test('a failing job is retried with backoff and completes', async ({ assert }) => {
    const run = await queue.dispatch(flakyJob, { failTimes: 2 })
    await queue.drain()
    await run.refresh()
    assert.equal(run.status, 'completed')
    assert.equal(run.attempts, 3)
    assert.equal(flakyFailures, 2)
    assert.deepEqual(run.counts, { attempt: 3 })
  })

  test('a job failing on every attempt ends failed with its error, and can be retried from the Jobs page', async ({
    assert,
    client,
  }) => {
    const run = await queue.dispatch(flakyJob, { failTimes: 99 })
    await queue.drain()
    await run.refresh()
    assert.equal(run.status, 'failed')
    assert.equal(run.attempts, 3)
    assert.equal(run.error, 'flaky failure 3')

    const admin = await createStaff('admin')
    const page = await client.get('/settings/jobs').loginAs(admin)
    page.assertStatus(200)
    page.assertTextIncludes('test.flaky')
    page.assertTextIncludes('flaky failure 3')

    const retry = await client
      .post(`/settings/jobs/${run.id}/retry`)
      .loginAs(admin)
      .withCsrfToken()
      .redirects(0)
    retry.assertStatus(302)
    await queue.drain()
    await run.refresh()
    assert.equal(run.status, 'failed')
    assert.equal(run.attempts, 3, 'retried from zero: three more attempts')
    assert.equal(flakyFailures, 6)
  })

  test('a run is claimed once even when delivered twice', async ({ assert }) => {
    const run = await JobRun.create({
      jobName: countingJob.name,
      status: 'queued',
      payload: { rows: 1 },
      progress: 0,
      attempts: 0,
      maxAttempts: 3,
    })
    const runner = new JobRunner(new Map([[countingJob.name, countingJob]]))
    const outcomes = await Promise.all([runner.execute(run.id), runner.execute(run.id)])
    assert.sameMembers(outcomes, ['completed', 'skipped'])
    assert.lengthOf(seen, 1)
  })

  test('a run left running by a dead process is re-queued, and fails when out of attempts', async ({
    assert,
  }) => {
    const longAgo = toDbTime(DateTime.utc().minus({ hours: 1 }))
    const orphan = await JobRun.create({
      jobName: countingJob.name,
      status: 'running',
      payload: { rows: 1 },
      progress: 40,
      attempts: 1,
      maxAttempts: 3,
    })
    const exhausted = await JobRun.create({
      jobName: countingJob.name,
      status: 'running',
      payload: { rows: 1 },
      progress: 40,
      attempts: 3,
      maxAttempts: 3,
    })
    const alive = await JobRun.create({
      jobName: countingJob.name,
      status: 'running',
      payload: { rows: 1 },
      progress: 40,
      attempts: 1,
      maxAttempts: 3,
    })
    await db
      .from('job_runs')
      .whereIn('id', [orphan.id, exhausted.id])
      .update({ updated_at: longAgo })

    const runner = new JobRunner(new Map([[countingJob.name, countingJob]]))
    const requeued = await runner.recoverStale()
    assert.deepEqual(requeued, [orphan.id])

    await Promise.all([orphan.refresh(), exhausted.refresh(), alive.refresh()])
    assert.equal(orphan.status, 'queued')
    assert.equal(exhausted.status, 'failed')
    assert.equal(alive.status, 'running')

    assert.equal(await runner.execute(orphan.id), 'completed')
  })

  test('an unknown job name fails the run with a clear error', async ({ assert }) => {
    const run = await JobRun.create({
      jobName: 'nobody.knows',
      status: 'queued',
      payload: null,
      progress: 0,
      attempts: 0,
      maxAttempts: 3,
    })
    const runner = new JobRunner(new Map())
    assert.equal(await runner.execute(run.id), 'failed')
    await run.refresh()
    assert.include(run.error!, 'start/jobs.ts')
  })

  test('a schedule fires once per tick, however often it is checked', async ({ assert }) => {
    const scheduled = new Queue()
    scheduled.schedule(countingJob, { cron: '0 3 * * *', tz: 'Asia/Shanghai' }, { rows: 1 })
    const now = DateTime.fromISO('2026-11-22T10:00:00', { zone: 'Asia/Shanghai' })
    await scheduled.fireDueSchedules(now)
    await scheduled.fireDueSchedules(now.plus({ minutes: 5 }))

    // A second process (its own Queue instance) checking the same tick adds nothing.
    const other = new Queue()
    other.schedule(countingJob, { cron: '0 3 * * *', tz: 'Asia/Shanghai' }, { rows: 1 })
    await other.fireDueSchedules(now)

    const runs = await JobRun.query()
      .where('job_name', countingJob.name)
      .where('idempotency_key', 'like', 'schedule:%')
    assert.lengthOf(runs, 1)
    assert.equal(runs[0].idempotencyKey, 'schedule:test.counting:2026-11-21T19:00:00.000Z')

    await other.fireDueSchedules(now.plus({ days: 1 }))
    assert.lengthOf(await JobRun.query().where('job_name', countingJob.name), 2)
    await scheduled.close()
    await other.close()
  })

  test('the progress fragment is visible to the requester, polls while running and stops when done', async ({
    client,
    assert,
  }) => {
    const operator = await createStaff('viewer')
    const run = await JobRun.create({
      jobName: countingJob.name,
      status: 'running',
      payload: { rows: 1 },
      progress: 40,
      attempts: 1,
      maxAttempts: 3,
      requestedById: operator.id,
    })
    const running = await client
      .get(`/jobs/${run.id}/progress`)
      .loginAs(operator)
      .header('HX-Request', 'true')
    running.assertStatus(200)
    running.assertHeader('vary', 'HX-Request')
    assert.include(running.text(), 'every 1s')
    assert.include(running.text(), 'aria-valuenow="40"')

    run.merge({ status: 'completed', progress: 100 })
    await run.save()
    const done = await client.get(`/jobs/${run.id}/progress`).loginAs(operator)
    assert.notInclude(done.text(), 'hx-trigger')

    const stranger = await createStaff('viewer')
    const forbidden = await client.get(`/jobs/${run.id}/progress`).loginAs(stranger)
    forbidden.assertStatus(403)
  })

  test('the Jobs page is hidden from roles without jobs.view', async ({ client }) => {
    const viewer = await createStaff('viewer')
    const response = await client.get('/settings/jobs').loginAs(viewer)
    response.assertStatus(403)
  })
})
