import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import PlaybookTemplate from '#app/collaboration/models/playbook_template'
import { BUILTIN_TEMPLATES } from '#app/collaboration/playbooks/builtin'
import { ManageAccessTokens } from '#app/identity/actions/manage_access_tokens'
import { ManageTemplates } from '#app/collaboration/actions/manage_templates'
import UserModel from '#app/identity/models/user'
import type User from '#app/identity/models/user'
import { createStaff } from '#tests/support/staff'
import { createCompanyWithShops } from '#tests/functional/members/fixtures'
import { ZONE, addTask, projectOf } from '#tests/functional/collaboration/fixtures'

/** A token for any role (operators and viewers cannot make their own on the account page). */
async function token(user: User) {
  if (user.can('api.tokens')) return new ManageAccessTokens().create(user, { name: 'test' }, null)
  const created = await UserModel.accessTokens.create(user, ['*'], { name: 'test' })
  return created.value!.release()
}

test.group('Collaboration / API', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('POST /api/v1/projects/from-template creates 双11 and returns the tasks with due dates', async ({
    client,
    assert,
  }) => {
    const { company } = await createCompanyWithShops()
    const manager = await createStaff('manager')
    const operator = await createStaff('operator')
    await new ManageTemplates(ZONE).ensureBuiltins(company.id)
    const template = await PlaybookTemplate.findByOrFail('builtinKey', 'double11')
    const secret = await token(manager)
    const response = await client
      .post('/api/v1/projects/from-template')
      .bearerToken(secret)
      .json({ templateId: template.id, anchorDate: '2026-11-11', roles: { 运营: operator.id } })
    response.assertStatus(201)
    const { project, tasks } = response.body().data
    assert.equal(project.anchorDate, '2026-11-11')
    assert.equal(project.templateVersion, 1)
    assert.lengthOf(tasks, 25)
    const opening = tasks.find((t: any) => t.title === '开售盯盘：整点数据')
    assert.deepInclude(opening, {
      dueDate: '2026-11-11',
      dueTime: '00:00',
      dueAt: '2026-11-10T16:00:00.000Z',
      assigneeId: operator.id,
      status: 'todo',
    })

    const mine = await client
      .get('/api/v1/tasks')
      .qs({ assignee: operator.id, dueFrom: '2026-11-11', dueTo: '2026-11-11' })
      .bearerToken(await token(operator))
    mine.assertStatus(200)
    assert.isAbove(mine.body().data.length, 0)
    for (const task of mine.body().data) {
      assert.equal(task.assigneeId, operator.id)
      assert.equal(task.dueDate, '2026-11-11')
    }
    const projects = await client.get('/api/v1/projects').bearerToken(secret)
    assert.equal(projects.body().data[0].progress.tasks, 25)
  })

  test('create and complete a task; a viewer token may read but not write', async ({
    client,
    assert,
  }) => {
    const manager = await createStaff('manager')
    const viewer = await createStaff('viewer')
    const { project } = await projectOf(manager)
    const secret = await token(manager)
    const created = await client
      .post(`/api/v1/projects/${project.id}/tasks`)
      .bearerToken(secret)
      .json({ title: '客服话术', dueDate: '2026-12-12', labels: ['客服'], checklist: ['退换货'] })
    created.assertStatus(201)
    const task = created.body().data
    assert.deepInclude(task, { title: '客服话术', dueDate: '2026-12-12', dueTime: null })
    assert.deepEqual(task.labels, ['客服'])
    const done = await client.post(`/api/v1/tasks/${task.id}/complete`).bearerToken(secret)
    done.assertStatus(200)
    assert.isTrue(done.body().data.done)
    assert.isTrue(done.body().meta.changed)
    const again = await client.post(`/api/v1/tasks/${task.id}/complete`).bearerToken(secret)
    assert.isFalse(again.body().meta.changed)

    const viewerSecret = await token(viewer)
    const readable = await client.get('/api/v1/tasks').bearerToken(viewerSecret)
    readable.assertStatus(200)
    const refused = await client
      .post(`/api/v1/projects/${project.id}/tasks`)
      .bearerToken(viewerSecret)
      .json({ title: 'x' })
    refused.assertStatus(403)
    const bad = await client
      .post(`/api/v1/projects/${project.id}/tasks`)
      .bearerToken(secret)
      .json({ title: 'x', dueDate: '2026-02-30' })
    bad.assertStatus(422)
  })

  test('PATCH a task: only the fields sent change, a stale version is refused', async ({
    client,
    assert,
  }) => {
    const manager = await createStaff('manager')
    const { project } = await projectOf(manager)
    const secret = await token(manager)
    const created = await client
      .post(`/api/v1/projects/${project.id}/tasks`)
      .bearerToken(secret)
      .json({ title: '主图设计', dueDate: '2026-12-10', dueTime: '18:00', labels: ['主图'] })
    const task = created.body().data

    const patched = await client
      .patch(`/api/v1/tasks/${task.id}`)
      .bearerToken(secret)
      .json({ version: task.version, priority: 3, status: 'doing' })
    patched.assertStatus(200)
    assert.deepInclude(patched.body().data, {
      title: '主图设计',
      priority: 3,
      status: 'doing',
      dueDate: '2026-12-10',
      dueTime: '18:00',
    })
    assert.deepEqual(patched.body().data.labels, ['主图'])

    const stale = await client
      .patch(`/api/v1/tasks/${task.id}`)
      .bearerToken(secret)
      .json({ version: task.version, title: '覆盖别人的修改' })
    stale.assertStatus(409)
    assert.equal(stale.body().error.code, 'E_TASK_CHANGED')
    const cleared = await client
      .patch(`/api/v1/tasks/${task.id}`)
      .bearerToken(secret)
      .json({ version: patched.body().data.version, dueDate: null })
    cleared.assertStatus(200)
    assert.deepInclude(cleared.body().data, { title: '主图设计', dueDate: null, dueTime: null })
  })

  test('templates: list, export, import; an invalid file lists every problem', async ({
    client,
    assert,
  }) => {
    const { company } = await createCompanyWithShops()
    const manager = await createStaff('manager')
    await new ManageTemplates(ZONE).ensureBuiltins(company.id)
    const secret = await token(manager)
    const list = await client.get('/api/v1/templates').bearerToken(secret)
    list.assertStatus(200)
    const juhuasuan = list.body().data.find((t: any) => t.name === '聚划算单品团')
    assert.equal(juhuasuan.tasks, 17)
    const file = await client.get(`/api/v1/templates/${juhuasuan.id}/export`).bearerToken(secret)
    file.assertStatus(200)
    const imported = await client
      .post('/api/v1/templates/import')
      .bearerToken(secret)
      .json(file.body())
    imported.assertStatus(201)
    assert.deepInclude(imported.body().data, { name: '聚划算单品团', tasks: 17, builtin: false })

    const invalid = await client
      .post('/api/v1/templates/import')
      .bearerToken(secret)
      .json({ format: 'quanzi.playbook', version: 9, template: { tasks: [] } })
    invalid.assertStatus(422)
    assert.equal(invalid.body().error.code, 'E_TEMPLATE_INVALID')
    assert.sameMembers(
      invalid.body().error.details.map((d: any) => d.field),
      ['version', 'template.name', 'template.tasks']
    )
    const count = await PlaybookTemplate.query().where('companyId', company.id).count('* as n')
    assert.equal(Number(count[0].$extras.n), BUILTIN_TEMPLATES.length + 1)
  })

  test('a private project stays hidden from the API too', async ({ client, assert }) => {
    const manager = await createStaff('manager')
    const outsider = await createStaff('operator')
    const { project } = await projectOf(manager, { isPrivate: true, name: '秘密' })
    const task = await addTask(project, manager)
    const secret = await token(outsider)
    const projects = await client.get('/api/v1/projects').bearerToken(secret)
    assert.lengthOf(projects.body().data, 0)
    const tasks = await client.get('/api/v1/tasks').bearerToken(secret)
    assert.lengthOf(tasks.body().data, 0)
    const complete = await client.post(`/api/v1/tasks/${task.id}/complete`).bearerToken(secret)
    complete.assertStatus(404)
  })
})
