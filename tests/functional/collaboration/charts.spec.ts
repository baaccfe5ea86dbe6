import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import { ProjectCharts } from '#app/collaboration/actions/project_charts'
import { ManageTasks } from '#app/collaboration/actions/manage_tasks'
import { TaskDependencies } from '#app/collaboration/actions/task_dependencies'
import { createStaff } from '#tests/support/staff'
import { ZONE, addTask, projectOf } from '#tests/functional/collaboration/fixtures'
import { toDbTime } from '#app/shared/kernel/db_values'

const local = (iso: string) => DateTime.fromISO(iso, { zone: ZONE })

test.group('Collaboration / burndown, timeline, workload', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('burndown counts open tasks at the end of each Shanghai day, with the ideal line', async ({
    client,
    assert,
  }) => {
    const manager = await createStaff('manager')
    const { project } = await projectOf(manager, { startsOn: '2026-11-01', endsOn: '2026-11-05' })
    const tasks = []
    for (const title of ['a', 'b', 'c', 'd']) tasks.push(await addTask(project, manager, { title }))
    const at = (task: number, column: string, iso: string) =>
      db
        .from('tasks')
        .where('id', task)
        .update({ [column]: toDbTime(local(iso), db.connection()) })
    for (const task of tasks) await at(task.id, 'created_at', '2026-11-01T09:00:00')
    const manage = new ManageTasks(ZONE)
    await manage.complete(tasks[0], manager)
    await manage.complete(tasks[1], manager)
    // One done late on 11-02 (Shanghai), one just after midnight of 11-04.
    await at(tasks[0].id, 'completed_at', '2026-11-02T23:30:00')
    await at(tasks[1].id, 'completed_at', '2026-11-04T00:10:00')

    const days = await new ProjectCharts(ZONE).burndown(project, local('2026-11-04T12:00:00'))
    assert.deepEqual(
      days.map((d) => [d.date, d.remaining, d.ideal]),
      [
        ['2026-11-01', 4, 4],
        ['2026-11-02', 3, 3],
        ['2026-11-03', 3, 2],
        ['2026-11-04', 2, 1],
        ['2026-11-05', null, 0],
      ]
    )
    const page = await client.get(`/projects/${project.id}/burndown`).loginAs(manager)
    page.assertStatus(200)
    page.assertTextIncludes('data-testid="burndown-chart"')
  })

  test('the timeline draws bars from start to due, late in red, with blockers', async ({
    client,
    assert,
  }) => {
    const manager = await createStaff('manager')
    const { project } = await projectOf(manager)
    const first = await addTask(project, manager, {
      title: '报名',
      startDate: '2026-11-01',
      dueDate: '2026-11-02',
    })
    const second = await addTask(project, manager, { title: '开售', dueDate: '2026-11-04' })
    await new TaskDependencies().add(second, first.id, manager)
    const { bars, from, to } = await new ProjectCharts(ZONE).timeline(
      project,
      local('2026-11-03T12:00:00')
    )
    assert.equal(from, '2026-11-01')
    assert.equal(to, '2026-11-04')
    assert.deepEqual(
      bars.map((b) => [b.task.title, b.left, b.width, b.late, b.blockedBy]),
      [
        ['报名', 0, 50, true, []],
        ['开售', 75, 25, false, [first.id]],
      ]
    )
    const page = await client.get(`/projects/${project.id}/timeline`).loginAs(manager)
    page.assertStatus(200)
    page.assertTextIncludes('等待：报名')
  })

  test('workload counts open tasks due per person per day', async ({ client, assert }) => {
    const manager = await createStaff('manager')
    const operator = await createStaff('operator')
    const { project, company } = await projectOf(manager)
    const today = DateTime.now().setZone(ZONE)
    const day = (n: number) => today.plus({ days: n }).toISODate()!
    await addTask(project, manager, { title: 'a', assigneeId: operator.id, dueDate: day(1) })
    await addTask(project, manager, { title: 'b', assigneeId: operator.id, dueDate: day(1) })
    await addTask(project, manager, { title: 'c', assigneeId: operator.id, dueDate: day(20) })
    const done = await addTask(project, manager, {
      title: 'd',
      assigneeId: operator.id,
      dueDate: day(2),
    })
    await new ManageTasks(ZONE).complete(done, operator)
    const { dates, counts } = await new ProjectCharts(ZONE).workload(company.id, manager)
    assert.lengthOf(dates, 14)
    assert.equal(counts.get(operator.id)?.get(day(1)), 2)
    assert.isUndefined(counts.get(operator.id)?.get(day(2)))
    const page = await client.get('/workload').loginAs(manager)
    page.assertStatus(200)
    page.assertTextIncludes(`data-testid="workload-${operator.id}"`)
  })
})
