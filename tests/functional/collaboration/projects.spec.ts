import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import Project from '#app/collaboration/models/project'
import { createStaff } from '#tests/support/staff'
import { createCompanyWithShops } from '#tests/functional/members/fixtures'
import { addTask, projectOf } from '#tests/functional/collaboration/fixtures'

test.group('Collaboration / projects', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a manager creates a project from the form; it is listed with its progress', async ({
    client,
    assert,
  }) => {
    const { tmall } = await createCompanyWithShops()
    const manager = await createStaff('manager', { fullName: '王丽娟' })
    const operator = await createStaff('operator', { fullName: '张伟' })
    const response = await client
      .post('/projects')
      .form({
        name: '12月会员日',
        shopId: tmall.id,
        startsOn: '2026-12-01',
        endsOn: '2026-12-12',
        memberIds: [operator.id],
      })
      .withCsrfToken()
      .loginAs(manager)
      .redirects(0)
    response.assertStatus(302)
    const project = await Project.query()
      .where('name', '12月会员日')
      .preload('members')
      .firstOrFail()
    assert.equal(project.ownerId, manager.id)
    assert.equal(project.shopId, tmall.id)
    assert.equal(project.endsOn!.toISODate(), '2026-12-12')
    assert.sameMembers(
      project.members.map((m) => m.id),
      [manager.id, operator.id]
    )
    const audit = await db
      .from('audit_events')
      .where({ entity_type: 'project', entity_id: String(project.id) })
      .first()
    assert.equal(audit.action, 'collaboration.project_created')
    const activity = await db
      .from('collaboration_activities')
      .where({ project_id: project.id, verb: 'project.created' })
      .first()
    assert.exists(activity)

    const list = await client.get('/projects').loginAs(operator)
    list.assertStatus(200)
    list.assertTextIncludes('12月会员日')
    list.assertTextIncludes('0/0')
  })

  test('an end before the start is refused', async ({ client, assert }) => {
    await createCompanyWithShops()
    const manager = await createStaff('manager')
    await client
      .post('/projects')
      .form({ name: '错日期', startsOn: '2026-12-12', endsOn: '2026-12-01' })
      .withCsrfToken()
      .loginAs(manager)
      .redirects(0)
    assert.isNull(await Project.findBy('name', '错日期'))
  })

  test('a viewer reads projects but cannot create one', async ({ client }) => {
    const manager = await createStaff('manager')
    const { project } = await projectOf(manager)
    const viewer = await createStaff('viewer')
    const page = await client.get(`/projects/${project.id}`).loginAs(viewer)
    page.assertStatus(200)
    page.assertTextIncludes('2026 双11')
    const refused = await client
      .post('/projects')
      .form({ name: 'x' })
      .withCsrfToken()
      .loginAs(viewer)
    refused.assertStatus(403)
  })

  test('a private project is seen only by its members and admins', async ({ client, assert }) => {
    const manager = await createStaff('manager')
    const member = await createStaff('operator')
    const outsider = await createStaff('operator')
    const admin = await createStaff('admin')
    const { project } = await projectOf(manager, {
      name: '秘密新品',
      isPrivate: true,
      memberIds: [member.id],
    })
    const task = await addTask(project, manager, { title: '新品定价' })

    for (const user of [manager, member, admin]) {
      const page = await client.get(`/projects/${project.id}`).loginAs(user)
      page.assertStatus(200)
      const listed = await client.get('/projects').loginAs(user)
      listed.assertTextIncludes('秘密新品')
    }
    const hidden = await client.get(`/projects/${project.id}`).loginAs(outsider)
    hidden.assertStatus(404)
    const list = await client.get('/projects').loginAs(outsider)
    assert.notInclude(list.text(), '秘密新品')
    const taskPage = await client.get(`/tasks/${task.id}`).loginAs(outsider)
    taskPage.assertStatus(404)
    const board = await client.get(`/projects/${project.id}/board`).loginAs(outsider)
    board.assertStatus(404)
    const tasks = await client.get('/tasks').loginAs(outsider)
    assert.notInclude(tasks.text(), '新品定价')
    const feed = await client.get('/activity').loginAs(outsider)
    assert.notInclude(feed.text(), '新品定价')
    const memberFeed = await client.get('/activity').loginAs(member)
    memberFeed.assertTextIncludes('新品定价')

    const move = await client
      .post(`/tasks/${task.id}/move`)
      .form({ statusId: task.statusId })
      .withCsrfToken()
      .loginAs(outsider)
    move.assertStatus(404)
  })

  test('only the owner or a manager changes project settings', async ({ client, assert }) => {
    const owner = await createStaff('operator')
    const other = await createStaff('operator')
    const { project } = await projectOf(owner)
    const refused = await client
      .post(`/projects/${project.id}`)
      .form({ name: '改名' })
      .withCsrfToken()
      .loginAs(other)
    refused.assertStatus(403)
    await client
      .post(`/projects/${project.id}`)
      .form({ name: '2026 双11 大促', status: 'planning', isPrivate: '1' })
      .withCsrfToken()
      .loginAs(owner)
      .redirects(0)
    await project.refresh()
    assert.equal(project.name, '2026 双11 大促')
    assert.equal(project.status, 'planning')
    assert.isTrue(project.isPrivate)
  })
})
