import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import Task from '#app/collaboration/models/task'
import TaskStatus from '#app/collaboration/models/task_status'
import StaffNotification from '#app/collaboration/models/staff_notification'
import { TaskQueries } from '#app/collaboration/actions/task_queries'
import { ManageTasks } from '#app/collaboration/actions/manage_tasks'
import {
  staffNotifiers,
  type StaffNotification as Delivered,
} from '#app/shared/notifications/staff_notifiers'
import { createStaff } from '#tests/support/staff'
import { ZONE, addTask, projectOf } from '#tests/functional/collaboration/fixtures'

async function activityVerbs(taskId: number) {
  const rows = await db
    .from('collaboration_activities')
    .where('task_id', taskId)
    .orderBy('id')
    .select('verb')
  return rows.map((r: any) => r.verb)
}

async function status(companyId: number, key: string) {
  return TaskStatus.query().where({ companyId, key }).firstOrFail()
}

test.group('Collaboration / tasks', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())
  const delivered: Delivered[] = []
  group.setup(() => {
    staffNotifiers.register({
      id: 'test-collector',
      accepts: () => true,
      deliver: async (n) => {
        delivered.push(n)
      },
    })
    return () => staffNotifiers.unregister('test-collector')
  })
  group.each.setup(() => {
    delivered.length = 0
  })

  test('creating a task from the form: date-only due is the end of that day in Shanghai; the assignee is notified', async ({
    client,
    assert,
  }) => {
    const manager = await createStaff('manager', { fullName: '王丽娟' })
    const designer = await createStaff('operator', { fullName: '张伟', locale: 'en' })
    const { project } = await projectOf(manager)
    const response = await client
      .post(`/projects/${project.id}/tasks`)
      .form({
        title: '主图设计',
        description: '三张主图',
        assigneeId: designer.id,
        dueDate: '2026-11-08',
        priority: 2,
        labels: '主图, 美工',
        checklist: '白底图\n场景图',
      })
      .withCsrfToken()
      .loginAs(manager)
      .redirects(0)
    response.assertStatus(302)
    const task = await Task.query()
      .where('title', '主图设计')
      .preload('labels')
      .preload('checklist')
      .firstOrFail()
    assert.equal(task.dueAt!.toISO(), '2026-11-08T15:59:59.000Z')
    assert.isFalse(task.dueHasTime)
    assert.equal(task.priority, 2)
    assert.sameMembers(
      task.labels.map((l) => l.name),
      ['主图', '美工']
    )
    assert.deepEqual(
      task.checklist.map((i) => i.title),
      ['白底图', '场景图']
    )
    assert.deepEqual(await activityVerbs(task.id), ['task.created', 'task.assigned'])
    const audit = await db
      .from('audit_events')
      .where({ entity_type: 'task', entity_id: String(task.id) })
      .first()
    assert.equal(audit.action, 'collaboration.task_created')

    const inbox = await StaffNotification.query().where('userId', designer.id)
    assert.lengthOf(inbox, 1)
    assert.equal(inbox[0].kind, 'task.assigned')
    assert.equal(inbox[0].title, '王丽娟 assigned you “主图设计”')
    assert.lengthOf(delivered, 1)
    assert.equal(delivered[0].recipients[0].userId, designer.id)
    assert.match(delivered[0].url!, new RegExp(`/tasks/${task.id}$`))

    const page = await client.get(`/tasks/${task.id}`).loginAs(designer)
    page.assertStatus(200)
    page.assertTextIncludes('2026-11-08')
    page.assertTextIncludes('三张主图')
  })

  test('a date and time due is stored as that instant; start after due is refused', async ({
    client,
    assert,
  }) => {
    const manager = await createStaff('manager')
    const { project } = await projectOf(manager)
    await client
      .post(`/projects/${project.id}/tasks`)
      .form({ title: '开售', dueDate: '2026-11-11', dueTime: '00:00' })
      .withCsrfToken()
      .loginAs(manager)
      .redirects(0)
    const task = await Task.findByOrFail('title', '开售')
    assert.equal(task.dueAt!.toISO(), '2026-11-10T16:00:00.000Z')
    assert.isTrue(task.dueHasTime)

    const refused = await client
      .post(`/projects/${project.id}/tasks`)
      .form({ title: '倒挂', startDate: '2026-11-12', dueDate: '2026-11-11' })
      .withCsrfToken()
      .loginAs(manager)
      .redirects(0)
    refused.assertStatus(302)
    assert.isNull(await Task.findBy('title', '倒挂'))
    const bad = await client
      .post(`/projects/${project.id}/tasks`)
      .form({ title: '二月三十', dueDate: '2026-02-30' })
      .withCsrfToken()
      .loginAs(manager)
      .redirects(0)
    bad.assertStatus(302)
    assert.isNull(await Task.findBy('title', '二月三十'))
  })

  test('a viewer cannot create, move or comment', async ({ client }) => {
    const manager = await createStaff('manager')
    const viewer = await createStaff('viewer')
    const { project } = await projectOf(manager)
    const task = await addTask(project, manager)
    for (const [url, form] of [
      [`/projects/${project.id}/tasks`, { title: 'x' }],
      [`/tasks/${task.id}/move`, { statusId: task.statusId }],
      [`/tasks/${task.id}/comments`, { body: 'hi' }],
      [`/tasks/${task.id}/complete`, {}],
    ] as const) {
      const response = await client.post(url).form(form).withCsrfToken().loginAs(viewer)
      response.assertStatus(403)
    }
  })

  test('moving a card is idempotent and htmx gets the board back', async ({ client, assert }) => {
    const manager = await createStaff('manager')
    const { project, company } = await projectOf(manager)
    const task = await addTask(project, manager)
    const doing = await status(company.id, 'doing')
    const done = await status(company.id, 'done')

    const first = await client
      .post(`/tasks/${task.id}/move`)
      .form({ statusId: doing.id })
      .header('HX-Request', 'true')
      .withCsrfToken()
      .loginAs(manager)
    first.assertStatus(200)
    first.assertHeader('vary', 'HX-Request')
    assert.include(first.text(), 'id="board"')
    assert.notInclude(first.text(), '<html')
    const again = await client
      .post(`/tasks/${task.id}/move`)
      .form({ statusId: doing.id })
      .header('HX-Request', 'true')
      .withCsrfToken()
      .loginAs(manager)
    again.assertStatus(200)
    await task.refresh()
    assert.equal(task.statusId, doing.id)
    assert.isNull(task.completedAt)
    const verbs = await activityVerbs(task.id)
    const moves = verbs.filter((v) => v === 'task.status_changed')
    assert.lengthOf(moves, 1)
    const audits = await db
      .from('audit_events')
      .where({ entity_id: String(task.id), action: 'collaboration.task_moved' })
    assert.lengthOf(audits, 1)

    const plain = await client
      .post(`/tasks/${task.id}/move`)
      .form({ statusId: done.id })
      .withCsrfToken()
      .loginAs(manager)
      .redirects(0)
    plain.assertStatus(302)
    plain.assertHeader('location', `/projects/${project.id}/board`)
    await task.refresh()
    assert.equal(task.statusId, done.id)
    assert.isNotNull(task.completedAt)

    const board = await client.get(`/projects/${project.id}/board`).loginAs(manager)
    board.assertStatus(200)
    board.assertTextIncludes('data-testid="column-done"')
    board.assertTextIncludes('已完成')
  })

  test('an @mention notifies the mentioned; watchers get a comment notice; outsiders of a private project are not mentioned', async ({
    client,
    assert,
  }) => {
    const manager = await createStaff('manager', { fullName: '王丽娟' })
    const designer = await createStaff('operator', { fullName: '张伟' })
    const service = await createStaff('service', { fullName: '赵敏' })
    const outsider = await createStaff('operator', { fullName: '孙悦' })
    const { project } = await projectOf(manager, {
      isPrivate: true,
      memberIds: [designer.id, service.id],
    })
    const task = await addTask(project, manager, { assigneeId: designer.id })
    await StaffNotification.query().delete()
    delivered.length = 0

    await client
      .post(`/tasks/${task.id}/comments`)
      .form({ body: '@赵敏 请准备客服话术，@孙悦 也看看' })
      .withCsrfToken()
      .loginAs(designer)
      .redirects(0)

    const mentioned = await StaffNotification.query().where('kind', 'task.mentioned')
    assert.deepEqual(
      mentioned.map((n) => n.userId),
      [service.id]
    )
    assert.equal(mentioned[0].title, '张伟 在“主图设计”中提到了你')
    const comment = await StaffNotification.query().where('kind', 'task.comment')
    // The creator watches the task; the commenter is not told about their own comment.
    assert.deepEqual(
      comment.map((n) => n.userId),
      [manager.id]
    )
    assert.isNull(await StaffNotification.findBy('userId', outsider.id))
    assert.sameMembers(
      delivered.map((n) => n.kind),
      ['task.mentioned', 'task.comment']
    )
    assert.include(await activityVerbs(task.id), 'task.commented')
    const page = await client.get(`/tasks/${task.id}`).loginAs(service)
    page.assertTextIncludes('请准备客服话术')

    const bell = await client
      .get('/notifications/unread')
      .header('HX-Request', 'true')
      .loginAs(service)
    bell.assertStatus(200)
    assert.match(bell.text(), /data-testid="unread-count">1</)
    const notifications = await client.get('/notifications').loginAs(service)
    notifications.assertTextIncludes('张伟 在“主图设计”中提到了你')
    const open = await client.get(`/notifications/${mentioned[0].id}`).loginAs(service).redirects(0)
    open.assertHeader('location', `/tasks/${task.id}`)
    await mentioned[0].refresh()
    assert.isNotNull(mentioned[0].readAt)
    const quiet = await client.get('/notifications/unread').loginAs(service)
    assert.notInclude(quiet.text(), 'unread-count')
  })

  test('watch and unwatch decide who hears about comments', async ({ client, assert }) => {
    const manager = await createStaff('manager')
    const colleague = await createStaff('operator')
    const { project } = await projectOf(manager)
    const task = await addTask(project, manager)
    await client.post(`/tasks/${task.id}/watch`).withCsrfToken().loginAs(colleague).redirects(0)
    await client.post(`/tasks/${task.id}/unwatch`).withCsrfToken().loginAs(manager).redirects(0)
    const other = await createStaff('operator')
    await client
      .post(`/tasks/${task.id}/comments`)
      .form({ body: '进度如何？' })
      .withCsrfToken()
      .loginAs(other)
      .redirects(0)
    const notified = await StaffNotification.query().where('kind', 'task.comment')
    assert.deepEqual(
      notified.map((n) => n.userId),
      [colleague.id]
    )
  })

  test('the second of two edits from the same version is refused, not silently applied', async ({
    client,
    assert,
  }) => {
    const manager = await createStaff('manager', { fullName: '王丽娟' })
    const operator = await createStaff('operator')
    const { project } = await projectOf(manager)
    const task = await addTask(project, manager)
    const first = await client
      .post(`/tasks/${task.id}`)
      .form({ title: '主图设计 v2', version: 1 })
      .withCsrfToken()
      .loginAs(manager)
      .redirects(0)
    first.assertStatus(302)
    const second = await client
      .post(`/tasks/${task.id}`)
      .form({ title: '主图设计 v3', version: 1 })
      .withCsrfToken()
      .loginAs(operator)
      .redirects(0)
    second.assertStatus(302)
    assert.include(second.flashMessages().error, '王丽娟')
    await task.refresh()
    assert.equal(task.title, '主图设计 v2')
    assert.equal(task.version, 2)
  })

  test('checklist items toggle through htmx and count in the project progress', async ({
    client,
    assert,
  }) => {
    const manager = await createStaff('manager')
    const { project } = await projectOf(manager)
    const task = await addTask(project, manager, { checklist: '白底图\n场景图' })
    await task.load('checklist')
    const [first] = task.checklist
    const response = await client
      .post(`/tasks/${task.id}/checklist/${first.id}`)
      .form({ done: 'true' })
      .header('HX-Request', 'true')
      .withCsrfToken()
      .loginAs(manager)
    response.assertStatus(200)
    assert.include(response.text(), 'id="checklist"')
    assert.include(response.text(), '1/2')
    // Ticking again changes nothing.
    await client
      .post(`/tasks/${task.id}/checklist/${first.id}`)
      .form({ done: 'true' })
      .withCsrfToken()
      .loginAs(manager)
    const verbs = await activityVerbs(task.id)
    const checks = verbs.filter((v) => v === 'checklist.checked')
    assert.lengthOf(checks, 1)
    await client
      .post(`/tasks/${task.id}/checklist`)
      .form({ title: '详情页' })
      .withCsrfToken()
      .loginAs(manager)
    const page = await client.get(`/projects/${project.id}`).loginAs(manager)
    const html = page.text()
    assert.match(html, /data-testid="progress-items"[\s\S]*?1\/3 · 33%/)
    assert.match(html, /data-testid="progress-tasks"[\s\S]*?0\/1 · 0%/)
  })

  test('descriptions and comments are Markdown, sanitised', async ({ client, assert }) => {
    const manager = await createStaff('manager')
    const { project } = await projectOf(manager)
    const task = await addTask(project, manager, {
      description:
        '**重点** [链接](javascript:alert(1)) <script>alert(2)</script> <img src=x onerror=alert(3)>',
    })
    const page = await client.get(`/tasks/${task.id}`).loginAs(manager)
    const html = page.text()
    assert.include(html, '<strong>重点</strong>')
    assert.notInclude(html, 'href="javascript')
    assert.notInclude(html, '<script>alert(2)')
    assert.notInclude(html, '<img src=x')
  })

  test('My Day sorts my open tasks into overdue, today and the next 7 days (Shanghai)', async ({
    client,
    assert,
  }) => {
    const manager = await createStaff('manager')
    const me = await createStaff('operator')
    const { project, company } = await projectOf(manager)
    const today = DateTime.now().setZone(ZONE)
    const day = (offset: number) => today.plus({ days: offset }).toISODate()!
    await addTask(project, manager, { title: '昨天的', assigneeId: me.id, dueDate: day(-1) })
    await addTask(project, manager, { title: '今天的', assigneeId: me.id, dueDate: day(0) })
    await addTask(project, manager, { title: '三天后', assigneeId: me.id, dueDate: day(3) })
    await addTask(project, manager, { title: '十天后', assigneeId: me.id, dueDate: day(10) })
    await addTask(project, manager, { title: '别人的', assigneeId: manager.id, dueDate: day(0) })
    const helping = await addTask(project, manager, { title: '协助的', dueDate: day(1) })
    await helping.related('collaborators').attach([me.id])

    const result = await new TaskQueries(company.id, me, ZONE).myDay()
    assert.deepEqual(
      result.overdue.map((t) => t.title),
      ['昨天的']
    )
    assert.deepEqual(
      result.dueToday.map((t) => t.title),
      ['今天的']
    )
    assert.deepEqual(
      result.upcoming.map((t) => t.title),
      ['协助的', '三天后']
    )

    const todays = result.dueToday[0]
    const page = await client.get('/my-day').loginAs(me)
    page.assertStatus(200)
    page.assertTextIncludes('今天的')
    assert.notInclude(page.text(), '十天后')
    const done = await client
      .post(`/tasks/${todays.id}/complete`)
      .header('HX-Request', 'true')
      .withCsrfToken()
      .loginAs(me)
    done.assertStatus(200)
    assert.include(done.text(), `my-day-done-${todays.id}`)
    const after = await new TaskQueries(company.id, me, ZONE).myDay()
    assert.lengthOf(after.dueToday, 0)
    assert.deepEqual(
      after.doneToday.map((t) => t.title),
      ['今天的']
    )
    const dashboard = await client.get('/').loginAs(me)
    dashboard.assertTextIncludes('data-card="my_tasks"')
    dashboard.assertTextIncludes('昨天的')
  })

  test('the list filters by assignee, label, status, project and due range; filters can be saved', async ({
    client,
    assert,
  }) => {
    const manager = await createStaff('manager')
    const designer = await createStaff('operator')
    const { project, company } = await projectOf(manager)
    const tasks = new ManageTasks(ZONE)
    await tasks.create(
      project,
      { title: '主图', assigneeId: designer.id, labels: '美工', dueDate: '2026-11-05' },
      manager
    )
    await tasks.create(
      project,
      { title: '客服话术', labels: '客服', dueDate: '2026-11-09' },
      manager
    )
    await tasks.create(project, { title: '复盘', dueDate: '2026-11-20' }, manager)
    const label = await db
      .from('task_labels')
      .where({ company_id: company.id, name: '美工' })
      .first()

    const byAssignee = await client.get('/tasks').qs({ assignee: designer.id }).loginAs(manager)
    byAssignee.assertTextIncludes('主图')
    assert.notInclude(byAssignee.text(), '客服话术')
    // As a browser submits the filter form: the unused fields empty.
    const byForm = await client
      .get('/tasks')
      .qs({ assignee: designer.id, label: '', status: '', project: '', dueFrom: '', dueTo: '' })
      .loginAs(manager)
    byForm.assertTextIncludes('主图')
    assert.notInclude(byForm.text(), '客服话术')
    assert.notInclude(byForm.text(), '筛选条件无效')
    const byLabel = await client.get('/tasks').qs({ label: label.id }).loginAs(manager)
    assert.notInclude(byLabel.text(), '客服话术')
    const byDue = await client
      .get('/tasks')
      .qs({ dueFrom: '2026-11-06', dueTo: '2026-11-10' })
      .loginAs(manager)
    byDue.assertTextIncludes('客服话术')
    assert.notInclude(byDue.text(), '>主图<')
    assert.notInclude(byDue.text(), '复盘')
    const doneStatus = await status(company.id, 'done')
    const byStatus = await client.get('/tasks').qs({ status: doneStatus.id }).loginAs(manager)
    assert.notInclude(byStatus.text(), '复盘')

    const saved = await client
      .post('/task-filters')
      .form({ name: '本周客服', dueFrom: '2026-11-06', dueTo: '2026-11-10', project: project.id })
      .withCsrfToken()
      .loginAs(manager)
      .redirects(0)
    saved.assertStatus(302)
    const row = await db.from('saved_task_filters').where('user_id', manager.id).first()
    assert.deepEqual(JSON.parse(row.query), {
      project: String(project.id),
      dueFrom: '2026-11-06',
      dueTo: '2026-11-10',
    })
    const list = await client.get('/tasks').loginAs(manager)
    list.assertTextIncludes('本周客服')
    const theirs = await client.get('/tasks').loginAs(designer)
    theirs.assertStatus(200)
    assert.notInclude(theirs.text(), '本周客服')
    const removed = await client
      .post(`/task-filters/${row.id}/delete`)
      .withCsrfToken()
      .loginAs(designer)
    removed.assertStatus(404)
  })

  test('the team activity page lists creations, assignments, moves and comments', async ({
    client,
  }) => {
    const manager = await createStaff('manager', { fullName: '王丽娟' })
    const designer = await createStaff('operator', { fullName: '张伟' })
    const { project, company } = await projectOf(manager)
    const task = await addTask(project, manager, { assigneeId: designer.id })
    const review = await status(company.id, 'review')
    await new ManageTasks(ZONE).move(task, review.id, designer)
    const page = await client.get('/activity').loginAs(designer)
    page.assertStatus(200)
    page.assertTextIncludes('创建了任务“主图设计”')
    page.assertTextIncludes('把“主图设计”分配给了 张伟')
    page.assertTextIncludes('把“主图设计”从 待办 移到 待审核')
    page.assertTextIncludes('创建了项目“2026 双11”')
  })
})
