import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import drive from '@adonisjs/drive/services/main'
import db from '@adonisjs/lucid/services/db'
import Task from '#app/collaboration/models/task'
import Project from '#app/collaboration/models/project'
import TaskAttachment from '#app/collaboration/models/task_attachment'
import TaskComment from '#app/collaboration/models/task_comment'
import { CommentOnTask } from '#app/collaboration/actions/comment_on_task'
import { TaskDependencies } from '#app/collaboration/actions/task_dependencies'
import { RecurringTasks } from '#app/collaboration/actions/recurring_tasks'
import { ManageAccessTokens } from '#app/identity/actions/manage_access_tokens'
import UserModel from '#app/identity/models/user'
import type User from '#app/identity/models/user'
import { createStaff } from '#tests/support/staff'
import { ZONE, addTask, projectOf } from '#tests/functional/collaboration/fixtures'

async function token(user: User) {
  if (user.can('api.tokens')) return new ManageAccessTokens().create(user, { name: 'test' }, null)
  const created = await UserModel.accessTokens.create(user, ['*'], { name: 'test' })
  return created.value!.release()
}

async function count(table: string, where: Record<string, unknown>) {
  const row = await db.from(table).where(where).count('* as total').first()
  return Number(row?.total ?? 0)
}

/** A task with a checklist, a comment mentioning someone, an attachment and dependencies both ways. */
async function busyTask(manager: User, operator: User) {
  const { project, company } = await projectOf(manager, { memberIds: [operator.id] })
  const before = await addTask(project, manager, { title: '报名' })
  const task = await addTask(project, manager, {
    title: '主图设计',
    assigneeId: operator.id,
    checklist: '白底图\n场景图',
    labels: '主图',
  })
  const after = await addTask(project, manager, { title: '上架' })
  await new TaskDependencies().add(await Task.findOrFail(task.id), before.id, manager)
  const loadedAfter = await Task.query().where('id', after.id).preload('project').firstOrFail()
  await new TaskDependencies().add(loadedAfter, task.id, manager)
  await new CommentOnTask().handle(task, `@${operator.fullName} 请今天交初稿`, manager, ZONE)
  const key = `collaboration/tasks/${task.id}/brief.txt`
  await drive.use().put(key, '白底 800x800')
  await TaskAttachment.create({
    taskId: task.id,
    uploaderId: manager.id,
    fileName: 'brief.txt',
    diskKey: key,
    mime: 'text/plain',
    sizeBytes: 12,
  })
  return { project, company, task, before, after, key }
}

test.group('Collaboration / deleting', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())
  group.each.setup(() => {
    drive.fake('fs')
    return () => drive.restore('fs')
  })

  test('a manager deletes a task after a confirm step; its rows, file and notifications go, the feed and audit log keep a record', async ({
    client,
    assert,
  }) => {
    const manager = await createStaff('manager', { fullName: '王丽娟' })
    const operator = await createStaff('operator', { fullName: '张伟' })
    const { project, task, before, after, key } = await busyTask(manager, operator)
    assert.isAbove(await count('staff_notifications', { task_id: task.id }), 0)

    const page = await client.get(`/tasks/${task.id}`).loginAs(manager)
    page.assertTextIncludes('data-testid="delete-task"')

    const confirm = await client.get(`/tasks/${task.id}/delete`).loginAs(manager)
    confirm.assertStatus(200)
    confirm.assertTextIncludes('删除任务“主图设计”？')
    confirm.assertTextIncludes('1 个任务、1 条评论、2 个检查项和 1 个附件')
    assert.include(confirm.text(), '<html')
    // htmx gets only the confirm box, swapped into the page.
    const fragment = await client
      .get(`/tasks/${task.id}/delete`)
      .header('HX-Request', 'true')
      .loginAs(manager)
    fragment.assertStatus(200)
    assert.notInclude(fragment.text(), '<html')
    fragment.assertTextIncludes('data-testid="confirm-delete"')
    // The confirm step changes nothing.
    assert.exists(await Task.find(task.id))

    const response = await client
      .post(`/tasks/${task.id}/delete`)
      .withCsrfToken()
      .loginAs(manager)
      .redirects(0)
    response.assertStatus(302)
    response.assertHeader('location', `/projects/${project.id}`)

    assert.isNull(await Task.find(task.id))
    for (const table of [
      'task_checklist_items',
      'task_comments',
      'task_attachments',
      'task_label_assignments',
      'task_watchers',
      'staff_notifications',
    ]) {
      assert.equal(await count(table, { task_id: task.id }), 0, table)
    }
    assert.equal(await count('task_dependencies', { task_id: after.id }), 0)
    assert.equal(await count('task_dependencies', { blocked_by_id: task.id }), 0)
    assert.isFalse(await drive.use().exists(key))
    // Neighbours stay.
    assert.exists(await Task.find(before.id))
    assert.exists(await Task.find(after.id))
    // The project's feed keeps the history (unlinked) and says it was deleted.
    const deleted = await db
      .from('collaboration_activities')
      .where({ project_id: project.id, verb: 'task.deleted' })
      .first()
    assert.equal(JSON.parse(deleted.data).title, '主图设计')
    assert.isAbove(
      await count('collaboration_activities', { project_id: project.id, verb: 'task.created' }),
      2
    )
    const audit = await db
      .from('audit_events')
      .where({ action: 'collaboration.task_deleted', entity_id: String(task.id) })
      .first()
    assert.exists(audit)
    assert.equal(audit.actor_id, manager.id)
    const feed = await client.get(`/projects/${project.id}`).loginAs(manager)
    feed.assertTextIncludes('删除了任务“主图设计”')
  })

  test('a project member who is not its owner cannot delete tasks; the owner can, even as an operator', async ({
    client,
    assert,
  }) => {
    const owner = await createStaff('operator')
    const colleague = await createStaff('operator')
    const viewer = await createStaff('viewer')
    const { project } = await projectOf(owner, { memberIds: [colleague.id] })
    const task = await addTask(project, owner)

    const page = await client.get(`/tasks/${task.id}`).loginAs(colleague)
    assert.notInclude(page.text(), 'data-testid="delete-task"')
    const confirmRefused = await client.get(`/tasks/${task.id}/delete`).loginAs(colleague)
    confirmRefused.assertStatus(403)
    const refused = await client
      .post(`/tasks/${task.id}/delete`)
      .withCsrfToken()
      .loginAs(colleague)
      .redirects(0)
    refused.assertStatus(403)
    const viewerRefused = await client
      .post(`/tasks/${task.id}/delete`)
      .withCsrfToken()
      .loginAs(viewer)
      .redirects(0)
    viewerRefused.assertStatus(403)
    assert.exists(await Task.find(task.id))

    const done = await client
      .post(`/tasks/${task.id}/delete`)
      .withCsrfToken()
      .loginAs(owner)
      .redirects(0)
    done.assertStatus(302)
    assert.isNull(await Task.find(task.id))
  })

  test('comment authors delete their own comments, managers any; others are refused', async ({
    client,
    assert,
  }) => {
    const manager = await createStaff('manager')
    const author = await createStaff('operator', { fullName: '李娜' })
    const other = await createStaff('operator')
    const { project } = await projectOf(manager)
    const task = await addTask(project, manager)
    await new CommentOnTask().handle(task, '初稿已上传', author, ZONE)
    await new CommentOnTask().handle(task, '第二条', author, ZONE)
    const [first, second] = await TaskComment.query().where('taskId', task.id).orderBy('id')

    const otherPage = await client.get(`/tasks/${task.id}`).loginAs(other)
    assert.notInclude(otherPage.text(), `data-testid="delete-comment-${first.id}"`)
    const refused = await client
      .post(`/tasks/${task.id}/comments/${first.id}/delete`)
      .withCsrfToken()
      .loginAs(other)
      .redirects(0)
    refused.assertStatus(403)
    assert.exists(await TaskComment.find(first.id))

    const authorPage = await client.get(`/tasks/${task.id}`).loginAs(author)
    authorPage.assertTextIncludes(`data-testid="delete-comment-${first.id}"`)
    const confirm = await client
      .get(`/tasks/${task.id}/comments/${first.id}/delete`)
      .loginAs(author)
    confirm.assertTextIncludes('初稿已上传')
    const own = await client
      .post(`/tasks/${task.id}/comments/${first.id}/delete`)
      .withCsrfToken()
      .loginAs(author)
      .redirects(0)
    own.assertStatus(302)
    assert.isNull(await TaskComment.find(first.id))

    const byManager = await client
      .post(`/tasks/${task.id}/comments/${second.id}/delete`)
      .withCsrfToken()
      .loginAs(manager)
      .redirects(0)
    byManager.assertStatus(302)
    assert.isNull(await TaskComment.find(second.id))
    assert.equal(
      await count('collaboration_activities', { task_id: task.id, verb: 'task.comment_deleted' }),
      2
    )
    assert.equal(
      await count('audit_events', {
        action: 'collaboration.comment_deleted',
        entity_id: String(task.id),
      }),
      2
    )
  })

  test('deleting a project takes its tasks, rules, members and feed with it; the team feed says so unless it was private', async ({
    client,
    assert,
  }) => {
    const manager = await createStaff('manager')
    const operator = await createStaff('operator')
    const { project, task, key } = await busyTask(manager, operator)
    await new RecurringTasks(ZONE).create(
      project,
      { title: '每周数据复盘', frequency: 'weekly', weekday: 1 },
      manager
    )
    const secret = await Project.create({
      companyId: project.companyId,
      name: '机密新品',
      ownerId: manager.id,
      isPrivate: true,
      status: 'active',
    })

    const confirmRefused = await client.get(`/projects/${project.id}/delete`).loginAs(operator)
    confirmRefused.assertStatus(403)
    const confirm = await client.get(`/projects/${project.id}/delete`).loginAs(manager)
    confirm.assertTextIncludes('3 个任务、1 条评论、2 个检查项和 1 个附件')

    const response = await client
      .post(`/projects/${project.id}/delete`)
      .withCsrfToken()
      .loginAs(manager)
      .redirects(0)
    response.assertStatus(302)
    response.assertHeader('location', '/projects')
    assert.isNull(await Project.find(project.id))
    assert.equal(await count('tasks', { project_id: project.id }), 0)
    assert.equal(await count('recurring_tasks', { project_id: project.id }), 0)
    assert.equal(await count('project_members', { project_id: project.id }), 0)
    assert.equal(await count('collaboration_activities', { project_id: project.id }), 0)
    assert.equal(await count('staff_notifications', { task_id: task.id }), 0)
    assert.isFalse(await drive.use().exists(key))
    const feed = await client.get('/activity').loginAs(operator)
    feed.assertTextIncludes('删除了项目“2026 双11”')

    const privateGone = await client
      .post(`/projects/${secret.id}/delete`)
      .withCsrfToken()
      .loginAs(manager)
      .redirects(0)
    privateGone.assertStatus(302)
    const after = await client.get('/activity').loginAs(operator)
    assert.notInclude(after.text(), '机密新品')
    assert.exists(
      await db
        .from('audit_events')
        .where({ action: 'collaboration.project_deleted', entity_id: String(secret.id) })
        .first()
    )
  })

  test('DELETE /api/v1/tasks/:id and /projects/:id: 204 for the owner or a manager, 403 for other members', async ({
    client,
    assert,
  }) => {
    const manager = await createStaff('manager')
    const operator = await createStaff('operator')
    const { project, task } = await busyTask(manager, operator)

    const refused = await client
      .delete(`/api/v1/tasks/${task.id}`)
      .bearerToken(await token(operator))
    refused.assertStatus(403)
    assert.exists(await Task.find(task.id))
    const managerToken = await token(manager)
    const done = await client.delete(`/api/v1/tasks/${task.id}`).bearerToken(managerToken)
    done.assertStatus(204)
    assert.isNull(await Task.find(task.id))
    const again = await client.delete(`/api/v1/tasks/${task.id}`).bearerToken(managerToken)
    again.assertStatus(404)

    const operatorToken = await token(operator)
    const notOwner = await client
      .delete(`/api/v1/projects/${project.id}`)
      .bearerToken(operatorToken)
    notOwner.assertStatus(403)
    const gone = await client.delete(`/api/v1/projects/${project.id}`).bearerToken(managerToken)
    gone.assertStatus(204)
    assert.isNull(await Project.find(project.id))
  })
})
