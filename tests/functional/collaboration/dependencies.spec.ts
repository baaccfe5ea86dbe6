import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import { TaskDependencies } from '#app/collaboration/actions/task_dependencies'
import { ManageTasks } from '#app/collaboration/actions/manage_tasks'
import { ManageProjects } from '#app/collaboration/actions/manage_projects'
import { createStaff } from '#tests/support/staff'
import { ZONE, addTask, projectOf } from '#tests/functional/collaboration/fixtures'

test.group('Collaboration / dependencies', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('blocked by: added from the task page, circular ones refused', async ({
    client,
    assert,
  }) => {
    const manager = await createStaff('manager')
    const { project } = await projectOf(manager)
    const a = await addTask(project, manager, { title: '报名' })
    const b = await addTask(project, manager, { title: '主图' })
    const c = await addTask(project, manager, { title: '开售' })
    const add = (task: number, blocker: number) =>
      client
        .post(`/tasks/${task}/blockers`)
        .form({ blockedById: blocker })
        .withCsrfToken()
        .loginAs(manager)
        .redirects(0)

    const first = await add(b.id, a.id)
    first.assertStatus(302)
    await add(c.id, b.id)
    await add(c.id, b.id) // twice: one row
    const refused = await add(a.id, c.id) // a ← b ← c ← a would be a circle
    assert.include(refused.flashMessages().error, '开售')
    const self = await add(a.id, a.id)
    assert.exists(self.flashMessages().error)
    const rows = await db.from('task_dependencies').orderBy('task_id')
    assert.deepEqual(
      rows.map((r: any) => [r.task_id, r.blocked_by_id]),
      [
        [b.id, a.id],
        [c.id, b.id],
      ]
    )
    const otherProject = await new ManageProjects().create(
      project.companyId,
      { name: '别的' },
      manager
    )
    const elsewhere = await addTask(otherProject, manager, { title: '别处的任务' })
    const crossProject = await add(a.id, elsewhere.id)
    assert.exists(crossProject.flashMessages().error)
    assert.lengthOf(await db.from('task_dependencies').where('task_id', a.id), 0)
    const viewer = await createStaff('viewer')
    const forbidden = await client
      .post(`/tasks/${a.id}/blockers`)
      .form({ blockedById: b.id })
      .withCsrfToken()
      .loginAs(viewer)
    forbidden.assertStatus(403)

    await client
      .post(`/tasks/${c.id}/blockers/${b.id}/remove`)
      .withCsrfToken()
      .loginAs(manager)
      .redirects(0)
    assert.lengthOf(await db.from('task_dependencies').where('task_id', c.id), 0)
  })

  test('a late blocker warns on the task page and on the board; done blockers do not', async ({
    client,
    assert,
  }) => {
    const manager = await createStaff('manager')
    const { project, company } = await projectOf(manager)
    const yesterday = DateTime.now().setZone(ZONE).minus({ days: 1 }).toISODate()!
    const blocker = await addTask(project, manager, { title: '库存确认', dueDate: yesterday })
    const task = await addTask(project, manager, { title: '开团' })
    await new TaskDependencies().add(task, blocker.id, manager)

    const late = await TaskDependencies.lateBlockers(company.id, [task.id])
    assert.deepEqual(late.get(task.id), ['库存确认'])
    const page = await client.get(`/tasks/${task.id}`).loginAs(manager)
    page.assertTextIncludes('data-testid="blocker-warning"')
    page.assertTextIncludes('前置任务已逾期：库存确认')
    const board = await client.get(`/projects/${project.id}/board`).loginAs(manager)
    board.assertTextIncludes(`data-testid="late-blocker-${task.id}"`)

    await new ManageTasks(ZONE).complete(blocker, manager)
    const after = await client.get(`/tasks/${task.id}`).loginAs(manager)
    assert.notInclude(after.text(), 'data-testid="blocker-warning"')
    const boardAfter = await client.get(`/projects/${project.id}/board`).loginAs(manager)
    assert.notInclude(boardAfter.text(), `data-testid="late-blocker-${task.id}"`)
  })
})
