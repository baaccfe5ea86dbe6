import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { DateTime } from 'luxon'
import Task from '#app/collaboration/models/task'
import RecurringTask from '#app/collaboration/models/recurring_task'
import { RecurringTasks } from '#app/collaboration/actions/recurring_tasks'
import { recurringTasksJob } from '#app/collaboration/jobs/recurring_tasks_job'
import queue from '#app/shared/queue/queue'
import { createStaff } from '#tests/support/staff'
import { ZONE, projectOf } from '#tests/functional/collaboration/fixtures'

const at = (iso: string) => DateTime.fromISO(iso, { zone: ZONE })

test.group('Collaboration / recurring tasks', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a weekly rule from the project page creates Monday’s task once, however often the job runs', async ({
    client,
    assert,
  }) => {
    const manager = await createStaff('manager')
    const analyst = await createStaff('operator')
    const { project, company } = await projectOf(manager)
    const response = await client
      .post(`/projects/${project.id}/recurring`)
      .form({
        title: '每周数据复盘',
        frequency: 'weekly',
        weekday: 1,
        dueTime: '10:00',
        assigneeId: analyst.id,
      })
      .withCsrfToken()
      .loginAs(manager)
      .redirects(0)
    response.assertStatus(302)
    const rule = await RecurringTask.findByOrFail('title', '每周数据复盘')
    assert.equal(rule.weekday, 1)

    const generator = new RecurringTasks(ZONE)
    // 2026-11-30 is a Monday; 01:00 Shanghai is still Sunday in UTC.
    const monday = at('2026-11-30T01:00:00')
    assert.deepEqual(await generator.generate(company.id, monday), { created: 1 })
    assert.deepEqual(await generator.generate(company.id, monday.plus({ hours: 5 })), {
      created: 0,
    })
    assert.deepEqual(await generator.generate(company.id, at('2026-12-01T09:00:00')), {
      created: 0,
    })
    const tasks = await Task.query().where('recurringTaskId', rule.id)
    assert.lengthOf(tasks, 1)
    assert.equal(tasks[0].assigneeId, analyst.id)
    assert.equal(tasks[0].occurrenceDate!.toISODate(), '2026-11-30')
    assert.equal(tasks[0].dueAt!.toISO(), '2026-11-30T02:00:00.000Z')

    const page = await client.get(`/projects/${project.id}`).loginAs(manager)
    page.assertTextIncludes('每周一')
    await client
      .post(`/projects/${project.id}/recurring/${rule.id}/stop`)
      .withCsrfToken()
      .loginAs(manager)
      .redirects(0)
    assert.deepEqual(await generator.generate(company.id, at('2026-12-07T08:00:00')), {
      created: 0,
    })
  })

  test('daily and monthly rules; a weekly rule without a weekday is refused', async ({
    client,
    assert,
  }) => {
    const manager = await createStaff('manager')
    const { project, company } = await projectOf(manager)
    const generator = new RecurringTasks(ZONE)
    await generator.create(project, { title: '日报', frequency: 'daily' }, manager)
    await generator.create(
      project,
      { title: '月度盘点', frequency: 'monthly', monthDay: 1 },
      manager
    )
    assert.deepEqual(await generator.generate(company.id, at('2026-12-01T07:00:00')), {
      created: 2,
    })
    assert.deepEqual(await generator.generate(company.id, at('2026-12-02T07:00:00')), {
      created: 1,
    })
    await client
      .post(`/projects/${project.id}/recurring`)
      .form({ title: '坏规则', frequency: 'weekly' })
      .withCsrfToken()
      .loginAs(manager)
      .redirects(0)
    assert.isNull(await RecurringTask.findBy('title', '坏规则'))
    await import('#start/jobs')
    assert.deepInclude(queue.schedules, {
      name: recurringTasksJob.name,
      cron: '0 6 * * *',
      tz: 'Asia/Shanghai',
    })
  })
})
