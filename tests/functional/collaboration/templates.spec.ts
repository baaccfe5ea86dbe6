import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import app from '@adonisjs/core/services/app'
import { mkdir, writeFile } from 'node:fs/promises'
import { DateTime } from 'luxon'
import Project from '#app/collaboration/models/project'
import Task from '#app/collaboration/models/task'
import PlaybookTemplate from '#app/collaboration/models/playbook_template'
import StaffNotification from '#app/collaboration/models/staff_notification'
import { ManageTemplates } from '#app/collaboration/actions/manage_templates'
import { ManageTasks } from '#app/collaboration/actions/manage_tasks'
import { BUILTIN_TEMPLATES } from '#app/collaboration/playbooks/builtin'
import { createStaff } from '#tests/support/staff'
import { createCompanyWithShops } from '#tests/functional/members/fixtures'
import { ZONE, addTask, projectOf } from '#tests/functional/collaboration/fixtures'

test.group('Collaboration / templates and team', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('the library seeds the built-ins once (聚划算, 双11, 会员日, 大促复盘), 15–40 tasks each', async ({
    client,
    assert,
  }) => {
    const { company } = await createCompanyWithShops()
    const viewer = await createStaff('viewer')
    const page = await client.get('/templates').loginAs(viewer)
    page.assertStatus(200)
    page.assertTextIncludes('聚划算单品团')
    page.assertTextIncludes('双11 大促')
    page.assertTextIncludes('会员日')
    page.assertTextIncludes('大促复盘')
    // Filtered as a browser submits the form (the shop size left empty).
    const byCategory = await client
      .get('/templates')
      .qs({ category: '美妆', shopSize: '' })
      .loginAs(viewer)
    byCategory.assertTextIncludes('会员日')
    assert.notInclude(byCategory.text(), '聚划算单品团')
    await client.get('/templates').loginAs(viewer)
    const templates = await PlaybookTemplate.query().where('companyId', company.id).preload('tasks')
    assert.lengthOf(templates, BUILTIN_TEMPLATES.length)
    for (const template of templates) {
      assert.isAtLeast(template.tasks.length, 15)
      assert.isAtMost(template.tasks.length, 40)
    }
    const double11 = templates.find((t) => t.builtinKey === 'double11')!
    const show = await client.get(`/templates/${double11.id}`).loginAs(viewer)
    show.assertTextIncludes('T-45')
    show.assertTextIncludes('T+7')
    assert.notInclude(show.text(), 'instantiate-form')
  })

  test('双11 from the template with T = 2026-11-11: due dates in Shanghai, roles mapped to people, one notification each', async ({
    client,
    assert,
  }) => {
    const { company } = await createCompanyWithShops()
    const manager = await createStaff('manager', { fullName: '王丽娟' })
    const operator = await createStaff('operator', { fullName: '张伟' })
    const service = await createStaff('service', { fullName: '赵敏' })
    await new ManageTemplates(ZONE).ensureBuiltins(company.id)
    const template = await PlaybookTemplate.findByOrFail('builtinKey', 'double11')
    const response = await client
      .post(`/templates/${template.id}/instantiate`)
      .form({
        anchorDate: '2026-11-11',
        name: '2026 双11',
        roles: { 运营: operator.id, 客服主管: service.id, 店长: manager.id },
      })
      .withCsrfToken()
      .loginAs(manager)
      .redirects(0)
    response.assertStatus(302)
    const project = await Project.query()
      .where('name', '2026 双11')
      .preload('members')
      .firstOrFail()
    assert.equal(project.templateId, template.id)
    assert.equal(project.templateVersion, 1)
    assert.equal(project.anchorDate!.toISODate(), '2026-11-11')
    assert.equal(project.startsOn!.toISODate(), '2026-09-27')
    assert.equal(project.endsOn!.toISODate(), '2026-11-18')
    assert.sameMembers(
      project.members.map((m) => m.id),
      [manager.id, operator.id, service.id]
    )
    const tasks = await Task.query().where('projectId', project.id).preload('checklist')
    assert.lengthOf(tasks, 25)
    const at = (title: string) => tasks.find((t) => t.title === title)!
    // T+0 at 00:00 Shanghai is 2026-11-10 16:00 UTC.
    const opening = at('开售盯盘：整点数据')
    assert.equal(opening.dueAt!.toISO(), '2026-11-10T16:00:00.000Z')
    assert.isTrue(opening.dueHasTime)
    assert.equal(opening.assigneeId, operator.id)
    // T-10, all day: the end of 2026-11-01 in Shanghai.
    const training = at('客服团队培训与话术')
    assert.equal(training.dueAt!.toISO(), '2026-11-01T15:59:59.000Z')
    assert.equal(training.assigneeId, service.id)
    assert.lengthOf(training.checklist, 4)
    // Unmapped role (美工) stays unassigned.
    assert.isNull(at('主推款主图与视频').assigneeId)

    const inbox = await StaffNotification.query().where('userId', operator.id)
    assert.lengthOf(inbox, 1)
    assert.include(inbox[0].title, '个任务')

    const myDay = await client.get('/my-day').loginAs(operator)
    myDay.assertStatus(200)
  })

  test('an unknown person in the role map or an impossible T is refused, nothing created', async ({
    client,
    assert,
  }) => {
    const { company } = await createCompanyWithShops()
    const manager = await createStaff('manager')
    await new ManageTemplates(ZONE).ensureBuiltins(company.id)
    const template = await PlaybookTemplate.findByOrFail('builtinKey', 'juhuasuan')
    await client
      .post(`/templates/${template.id}/instantiate`)
      .form({ anchorDate: '2026-12-12', roles: { 运营: 999999 } })
      .withCsrfToken()
      .loginAs(manager)
      .redirects(0)
    await client
      .post(`/templates/${template.id}/instantiate`)
      .form({ anchorDate: '2026-13-40' })
      .withCsrfToken()
      .loginAs(manager)
      .redirects(0)
    assert.lengthOf(await Project.all(), 0)
    const viewer = await createStaff('viewer')
    const refused = await client
      .post(`/templates/${template.id}/instantiate`)
      .form({ anchorDate: '2026-12-12' })
      .withCsrfToken()
      .loginAs(viewer)
    refused.assertStatus(403)
  })

  test('a project saved as a template keeps offsets from T, times, roles, labels and checklists', async ({
    client,
    assert,
  }) => {
    const manager = await createStaff('manager')
    const operator = await createStaff('operator')
    const { project } = await projectOf(manager)
    await addTask(project, manager, {
      title: '报名',
      dueDate: '2026-11-01',
      assigneeId: operator.id,
      labels: '报名',
      checklist: '资质\n价格',
    })
    await addTask(project, manager, { title: '开售', dueDate: '2026-11-11', dueTime: '00:00' })
    const response = await client
      .post(`/projects/${project.id}/save-as-template`)
      .form({ name: '我们的双11', category: '服装', anchorDate: '2026-11-11' })
      .withCsrfToken()
      .loginAs(manager)
      .redirects(0)
    response.assertStatus(302)
    const template = await PlaybookTemplate.query()
      .where('name', '我们的双11')
      .preload('tasks')
      .firstOrFail()
    assert.equal(template.category, '服装')
    const [signup, opening] = template.tasks
    assert.equal(signup.offsetDays, -10)
    assert.equal(signup.role, '运营')
    assert.equal(signup.labels, '报名')
    assert.equal(signup.checklist, '资质\n价格')
    assert.isNull(signup.dueTime)
    assert.equal(opening.offsetDays, 0)
    assert.equal(opening.dueTime, '00:00')
    assert.isNull(opening.role)
    const audit = await db
      .from('audit_events')
      .where({ action: 'collaboration.template_saved', entity_id: String(template.id) })
      .first()
    assert.exists(audit)
  })

  test('the team page shows each person’s done, due and overdue today', async ({
    client,
    assert,
  }) => {
    const manager = await createStaff('manager')
    const operator = await createStaff('operator')
    const { project } = await projectOf(manager)
    const today = DateTime.now().setZone(ZONE)
    const day = (offset: number) => today.plus({ days: offset }).toISODate()!
    await addTask(project, manager, { title: 'a', assigneeId: operator.id, dueDate: day(0) })
    await addTask(project, manager, { title: 'b', assigneeId: operator.id, dueDate: day(-2) })
    await addTask(project, manager, { title: 'c', assigneeId: operator.id, dueDate: day(-1) })
    const done = await addTask(project, manager, {
      title: 'd',
      assigneeId: operator.id,
      dueDate: day(-1),
    })
    await new ManageTasks(ZONE).complete(done, operator)
    const page = await client.get('/team').loginAs(manager)
    page.assertStatus(200)
    const row = new RegExp(
      `data-testid="team-${operator.id}"[\\s\\S]*?>1</td>[\\s\\S]*?>1</td>[\\s\\S]*?>2</td>`
    )
    assert.match(page.text(), row)
  })
})

test.group('Collaboration / demo data', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('the demo seeder adds a 聚划算 project from the template, partly done, once', async ({
    assert,
  }) => {
    await createCompanyWithShops()
    const manager = await createStaff('manager', { email: 'manager@demo.quanzi.cn' })
    const operator = await createStaff('operator', { email: 'operator@demo.quanzi.cn' })
    const service = await createStaff('service', { email: 'service@demo.quanzi.cn' })
    const { default: CollaborationSeeder } = await import('#database/seeders/collaboration_seeder')
    const result = await CollaborationSeeder.seed()
    assert.exists(result)
    const project = await Project.findByOrFail('name', '12月聚划算 · 羊绒大衣单品团')
    assert.equal(project.ownerId, manager.id)
    const tasks = await Task.query().where('projectId', project.id)
    assert.lengthOf(tasks, 17)
    assert.isAbove(tasks.filter((t) => t.completedAt).length, 0)
    assert.exists(tasks.find((t) => t.assigneeId === operator.id))
    const mention = await StaffNotification.query()
      .where({ userId: service.id, kind: 'task.mentioned' })
      .first()
    assert.exists(mention)
    assert.isNull(await CollaborationSeeder.seed())
    assert.lengthOf(await Project.query().where('name', project.name), 1)
  })
})

test.group('Collaboration / template files', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  async function upload(name: string, content: string) {
    const dir = app.tmpPath('collaboration-tests')
    await mkdir(dir, { recursive: true })
    const path = `${dir}/${name}`
    await writeFile(path, content)
    return path
  }

  test('a template exported as JSON and imported again is the same template', async ({
    client,
    assert,
  }) => {
    const { company } = await createCompanyWithShops()
    const manager = await createStaff('manager')
    await new ManageTemplates(ZONE).ensureBuiltins(company.id)
    const original = await PlaybookTemplate.query()
      .where('builtinKey', 'double11')
      .preload('tasks')
      .firstOrFail()
    const exported = await client.get(`/templates/${original.id}/export`).loginAs(manager)
    exported.assertStatus(200)
    assert.include(exported.header('content-disposition'), 'attachment')
    const file = JSON.parse(exported.text())
    assert.equal(file.format, 'quanzi.playbook')
    assert.equal(file.version, 2)
    assert.lengthOf(file.template.tasks, 25)

    const path = await upload('double11.json', exported.text())
    const imported = await client
      .post('/templates/import')
      .file('file', path)
      .withCsrfToken()
      .loginAs(manager)
      .redirects(0)
    imported.assertStatus(302)
    const copy = await PlaybookTemplate.query()
      .whereNull('builtinKey')
      .preload('tasks')
      .firstOrFail()
    const shape = (t: PlaybookTemplate) => ({
      name: t.name,
      category: t.category,
      shopSize: t.shopSize,
      description: t.description,
      tasks: t.tasks.map((task) => ({
        position: task.position,
        title: task.title,
        offsetDays: task.offsetDays,
        dueTime: task.dueTime,
        role: task.role,
        priority: task.priority,
        labels: task.labels,
        checklist: task.checklist,
        description: task.description,
      })),
    })
    assert.deepEqual(shape(copy), shape(original))
  })

  test('a file of the wrong version or with missing fields lists every problem and imports nothing', async ({
    client,
    assert,
  }) => {
    await createCompanyWithShops()
    const manager = await createStaff('manager')
    const bad = {
      format: 'quanzi.playbook',
      version: 99,
      template: {
        category: '服装',
        tasks: [
          { title: '报名', offsetDays: -10 },
          { offsetDays: 'soon' },
          { title: 'x', offsetDays: 0, dueTime: '25:00' },
        ],
      },
    }
    const path = await upload('bad.json', JSON.stringify(bad))
    const response = await client
      .post('/templates/import')
      .file('file', path)
      .withCsrfToken()
      .loginAs(manager)
      .redirects(0)
    response.assertStatus(302)
    const problems = response.flashMessages().importProblems as unknown as Array<{ field: string }>
    assert.sameMembers(
      problems.map((p) => p.field),
      [
        'version',
        'template.name',
        'template.tasks.1.title',
        'template.tasks.1.offsetDays',
        'template.tasks.2.dueTime',
      ]
    )
    assert.lengthOf(await PlaybookTemplate.all(), 0)
    assert.lengthOf(await db.from('playbook_template_tasks'), 0)

    const notJson = await upload('broken.json', '{"format": ')
    const broken = await client
      .post('/templates/import')
      .file('file', notJson)
      .withCsrfToken()
      .loginAs(manager)
      .redirects(0)
    assert.lengthOf(broken.flashMessages().importProblems as unknown as unknown[], 1)
    const page = await client.get('/templates').loginAs(manager)
    page.assertStatus(200)
  })
})
