import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import Task from '#app/collaboration/models/task'
import PlaybookTemplate from '#app/collaboration/models/playbook_template'
import { ManageTemplates } from '#app/collaboration/actions/manage_templates'
import { TemplateFiles } from '#app/collaboration/actions/template_files'
import { Holidays } from '#app/collaboration/actions/holidays'
import type User from '#app/identity/models/user'
import { createStaff } from '#tests/support/staff'
import { createCompanyWithShops } from '#tests/functional/members/fixtures'
import { ZONE } from '#tests/functional/collaboration/fixtures'
import { ManageAccessTokens } from '#app/identity/actions/manage_access_tokens'

/** A small 会员日 template: #3 waits for #1 and #2; #4 is due two hours before T. */
function file(version = 2, extra: Record<string, unknown> = {}) {
  return {
    format: 'quanzi.playbook',
    version,
    template: {
      name: '美妆会员日',
      category: '美妆',
      shopSize: 'small',
      description: '每月会员日',
      tasks: [
        { title: '定会员权益', offsetDays: -10, role: '运营', labels: ['权益'], checklist: ['券'] },
        { title: '设计会员海报', offsetDays: -5, dueTime: '18:00', role: '美工' },
        { title: '海报上线', offsetDays: -1, dueTime: '10:00', role: '运营', dependsOn: [1, 2] },
        { title: '开场预热', offsetDays: 0, offsetHours: -2, role: '客服主管' },
        { title: '复盘', offsetDays: 2, role: '运营', dependsOn: [3] },
      ],
      ...extra,
    },
  }
}

async function imported(companyId: number, actor: User, body: unknown = file()) {
  const result = await new TemplateFiles().import(companyId, JSON.stringify(body), actor)
  if (!result.ok) throw new Error(JSON.stringify(result.problems))
  return PlaybookTemplate.query().where('id', result.template.id).preload('tasks').firstOrFail()
}

/** The edit form's fields for a template's tasks as they are. */
function formOf(template: PlaybookTemplate) {
  const fields: Record<string, unknown> = {
    name: template.name,
    category: template.category ?? '',
    shopSize: template.shopSize ?? '',
    description: template.description ?? '',
    version: template.version,
  }
  template.tasks.forEach((task, index) => {
    fields[`tasks[${index}][row]`] = task.position
    fields[`tasks[${index}][title]`] = task.title
    fields[`tasks[${index}][offsetDays]`] = task.offsetDays
    fields[`tasks[${index}][offsetHours]`] = task.offsetHours ?? ''
    fields[`tasks[${index}][dueTime]`] = task.dueTime ?? ''
    fields[`tasks[${index}][role]`] = task.role ?? ''
    fields[`tasks[${index}][priority]`] = task.priority
    fields[`tasks[${index}][labels]`] = task.labels ?? ''
    fields[`tasks[${index}][checklist]`] = task.checklist ?? ''
    fields[`tasks[${index}][dependsOn]`] = task.dependsOn ?? ''
  })
  return fields
}

async function dueOf(projectId: number) {
  const tasks = await Task.query().where('projectId', projectId).orderBy('position')
  return tasks.map((t) => [t.title, t.dueAt!.setZone(ZONE).toFormat('yyyy-MM-dd HH:mm')])
}

test.group('Collaboration / template versions, hours, dependencies, holidays', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('hour offsets and dependencies carry into a project', async ({ assert }) => {
    const { company } = await createCompanyWithShops()
    const manager = await createStaff('manager')
    const template = await imported(company.id, manager)
    const { project, tasks } = await new ManageTemplates(ZONE).instantiate(
      company.id,
      { templateId: template.id, anchorDate: '2026-12-12' },
      manager
    )
    assert.deepEqual(await dueOf(project.id), [
      ['定会员权益', '2026-12-02 23:59'],
      ['设计会员海报', '2026-12-07 18:00'],
      ['海报上线', '2026-12-11 10:00'],
      // T 00:00 − 2 h: the evening before, with a time.
      ['开场预热', '2026-12-11 22:00'],
      ['复盘', '2026-12-14 23:59'],
    ])
    const warmUp = tasks.find((t) => t.title === '开场预热')!
    assert.isTrue(warmUp.dueHasTime)
    const byTitle = new Map(tasks.map((t) => [t.title, t.id]))
    const deps = await db
      .from('task_dependencies')
      .whereIn(
        'task_id',
        tasks.map((t) => t.id)
      )
      .select('task_id', 'blocked_by_id')
    assert.sameDeepMembers(
      deps.map((d: any) => [Number(d.task_id), Number(d.blocked_by_id)]),
      [
        [byTitle.get('海报上线'), byTitle.get('定会员权益')],
        [byTitle.get('海报上线'), byTitle.get('设计会员海报')],
        [byTitle.get('复盘'), byTitle.get('海报上线')],
      ]
    )
    assert.equal(project.startsOn!.toISODate(), '2026-12-02')
    assert.equal(project.endsOn!.toISODate(), '2026-12-14')

    // Saved back as a template, the project's dependencies become the template's again.
    await project.load('members')
    const saved = await new ManageTemplates(ZONE).saveProject(
      project,
      { name: '会员日（复制）', anchorDate: '2026-12-12' },
      manager
    )
    await saved.load('tasks')
    assert.deepEqual(
      saved.tasks.map((t) => [t.title, t.dependsOn]),
      [
        ['定会员权益', null],
        ['设计会员海报', null],
        ['海报上线', '1,2'],
        ['开场预热', null],
        ['复盘', '3'],
      ]
    )
  })

  test('editing a template in the UI saves version 2; a project made from version 1 does not change', async ({
    client,
    assert,
  }) => {
    const { company } = await createCompanyWithShops()
    const manager = await createStaff('manager')
    const v1 = await imported(company.id, manager)
    const running = await new ManageTemplates(ZONE).instantiate(
      company.id,
      { templateId: v1.id, anchorDate: '2026-12-12' },
      manager
    )
    const before = await dueOf(running.project.id)

    const page = await client.get(`/templates/${v1.id}/edit`).loginAs(manager)
    page.assertStatus(200)
    page.assertTextIncludes('data-testid="template-row-5"')

    const fields = formOf(v1)
    fields['tasks[0][title]'] = '定会员权益和赠品'
    fields['tasks[1][offsetDays]'] = -6
    fields['tasks[3][remove]'] = '1' // 开场预热
    // A new task (#6), placed first, waiting for nothing; 复盘 now also waits for #6.
    fields['tasks[5][row]'] = 6
    fields['tasks[5][title]'] = '选品'
    fields['tasks[5][offsetDays]'] = -14
    fields['tasks[5][order]'] = 0
    fields['tasks[5][dependsOn]'] = ''
    fields['tasks[4][dependsOn]'] = '3, 6'
    // A blank row is ignored.
    fields['tasks[6][row]'] = 7
    fields['tasks[6][title]'] = ''
    const saved = await client
      .post(`/templates/${v1.id}/edit`)
      .form(fields)
      .withCsrfToken()
      .loginAs(manager)
      .redirects(0)
    saved.assertStatus(302)

    const v2 = await PlaybookTemplate.query()
      .where('lineageId', v1.id)
      .preload('tasks')
      .firstOrFail()
    assert.equal(v2.version, 2)
    saved.assertHeader('location', `/templates/${v2.id}`)
    assert.deepEqual(
      v2.tasks.map((t) => [t.position, t.title, t.offsetDays, t.dependsOn]),
      [
        [1, '选品', -14, null],
        [2, '定会员权益和赠品', -10, null],
        [3, '设计会员海报', -6, null],
        [4, '海报上线', -1, '2,3'],
        [5, '复盘', 2, '4,1'],
      ]
    )
    await v1.refresh()
    assert.isNotNull(v1.supersededAt)
    // v1 is unchanged and still readable; the library shows only v2.
    await v1.load('tasks')
    assert.equal(v1.tasks[0].title, '定会员权益')
    const library = await new ManageTemplates(ZONE).list(company.id)
    assert.include(
      library.map((t) => t.id),
      v2.id
    )
    assert.notInclude(
      library.map((t) => t.id),
      v1.id
    )
    const oldPage = await client.get(`/templates/${v1.id}`).loginAs(manager)
    oldPage.assertTextIncludes('data-testid="superseded"')

    // The running project: same tasks, same dates, still version 1.
    assert.deepEqual(await dueOf(running.project.id), before)
    const projectPage = await client.get(`/projects/${running.project.id}`).loginAs(manager)
    projectPage.assertTextIncludes('来自模板“美妆会员日” v1（T = 2026-12-12）')
    await running.project.refresh()
    assert.equal(running.project.templateId, v1.id)
    assert.equal(running.project.templateVersion, 1)

    // A new project from v2 has v2's tasks.
    const fresh = await new ManageTemplates(ZONE).instantiate(
      company.id,
      { templateId: v2.id, anchorDate: '2026-12-12' },
      manager
    )
    assert.equal(fresh.project.templateVersion, 2)
    assert.deepEqual(
      fresh.tasks.map((t) => t.title),
      ['选品', '定会员权益和赠品', '设计会员海报', '海报上线', '复盘']
    )
    assert.exists(
      await db
        .from('audit_events')
        .where({ action: 'collaboration.template_versioned', entity_id: String(v2.id) })
        .first()
    )
  })

  test('template edits: a stale version, a circle or a bad reference is refused and nothing is saved; operators may not edit', async ({
    client,
    assert,
  }) => {
    const { company } = await createCompanyWithShops()
    const manager = await createStaff('manager')
    const operator = await createStaff('operator')
    const v1 = await imported(company.id, manager)
    const count = async () =>
      Number((await db.from('playbook_templates').count('* as n').first())!.n)
    const start = await count()

    const circle = formOf(v1)
    circle['tasks[0][dependsOn]'] = '5' // 定会员权益 waits for 复盘, which waits (via 3) for it
    const refused = await client
      .post(`/templates/${v1.id}/edit`)
      .form(circle)
      .withCsrfToken()
      .loginAs(manager)
      .redirects(0)
    refused.assertStatus(302)
    assert.equal(await count(), start)
    const unchanged = await PlaybookTemplate.findOrFail(v1.id)
    assert.isNull(unchanged.supersededAt)

    const unknown = formOf(v1)
    unknown['tasks[0][dependsOn]'] = '9'
    const refusedUnknown = await client
      .post(`/templates/${v1.id}/edit`)
      .form(unknown)
      .withCsrfToken()
      .loginAs(manager)
      .header('HX-Request', 'true')
    refusedUnknown.assertStatus(422)
    refusedUnknown.assertTextIncludes('#1 等待的 #9 不在保存的任务里')
    const refusedCircle = await client
      .post(`/templates/${v1.id}/edit`)
      .form(circle)
      .withCsrfToken()
      .loginAs(manager)
      .header('HX-Request', 'true')
    refusedCircle.assertTextIncludes('前置任务形成了循环')
    assert.equal(await count(), start)

    const forbidden = await client
      .post(`/templates/${v1.id}/edit`)
      .form(formOf(v1))
      .withCsrfToken()
      .loginAs(operator)
      .redirects(0)
    forbidden.assertStatus(403)

    // Two managers edit version 1; the second save is refused.
    const first = await client
      .post(`/templates/${v1.id}/edit`)
      .form(formOf(v1))
      .withCsrfToken()
      .loginAs(manager)
      .redirects(0)
    first.assertStatus(302)
    const second = await client
      .post(`/templates/${v1.id}/edit`)
      .form(formOf(v1))
      .withCsrfToken()
      .loginAs(manager)
      .header('HX-Request', 'true')
    second.assertStatus(409)
    second.assertTextIncludes('v2')
    assert.equal(await count(), start + 1)
  })

  test('holidays: managers enter 国庆 as a range; due dates skip it (and weekends) away from T, T itself stays', async ({
    client,
    assert,
  }) => {
    const { company } = await createCompanyWithShops()
    const manager = await createStaff('manager')
    const operator = await createStaff('operator')
    const denied = await client
      .post('/settings/holidays')
      .form({ from: '2026-10-01', to: '2026-10-07', name: '国庆节' })
      .withCsrfToken()
      .loginAs(operator)
      .redirects(0)
    denied.assertStatus(403)
    const added = await client
      .post('/settings/holidays')
      .form({ from: '2026-10-01', to: '2026-10-07', name: '国庆节' })
      .withCsrfToken()
      .loginAs(manager)
      .redirects(0)
    added.assertStatus(302)
    const page = await client.get('/settings/holidays').loginAs(manager)
    page.assertTextIncludes('2026-10-07')
    assert.equal(
      Number(
        (await db.from('company_holidays').where('company_id', company.id).count('* as n').first())!
          .n
      ),
      7
    )

    // T = 2026-10-04 (a Sunday inside the holiday).
    const template = await imported(
      company.id,
      manager,
      file(2, {
        tasks: [
          { title: '报名', offsetDays: -10 }, // 09-24 Thursday: stays
          { title: '备货', offsetDays: -2 }, // 10-02 holiday → 09-30 Wednesday
          { title: '开场', offsetDays: 0 }, // T stays, holiday or not
          { title: '发货', offsetDays: 1 }, // 10-05 holiday → 10-08 Thursday
          { title: '复盘', offsetDays: 5 }, // 10-09 Friday: stays
          { title: '回访', offsetDays: 6 }, // 10-10 Saturday → weekend → 10-12 Monday
        ],
      })
    )
    const { project } = await new ManageTemplates(ZONE).instantiate(
      company.id,
      {
        templateId: template.id,
        anchorDate: '2026-10-04',
        skipHolidays: true,
        skipWeekends: true,
      },
      manager
    )
    const moved = await dueOf(project.id)
    assert.deepEqual(
      moved.map(([title, due]) => [title, due.slice(0, 10)]),
      [
        ['报名', '2026-09-24'],
        ['备货', '2026-09-30'],
        ['开场', '2026-10-04'],
        ['发货', '2026-10-08'],
        ['复盘', '2026-10-09'],
        ['回访', '2026-10-12'],
      ]
    )
    // Without the option nothing moves.
    const plain = await new ManageTemplates(ZONE).instantiate(
      company.id,
      { templateId: template.id, anchorDate: '2026-10-04' },
      manager
    )
    const unmoved = await dueOf(plain.project.id)
    assert.equal(unmoved[1][1].slice(0, 10), '2026-10-02')

    const [holiday] = await Holidays.list(company.id)
    const removed = await client
      .post(`/settings/holidays/${holiday.id}/delete`)
      .withCsrfToken()
      .loginAs(manager)
      .redirects(0)
    removed.assertStatus(302)
    assert.lengthOf(await Holidays.list(company.id), 6)
  })

  test('the library filters by category and shop size', async ({ client, assert }) => {
    const { company } = await createCompanyWithShops()
    const manager = await createStaff('manager')
    await imported(company.id, manager)
    await imported(
      company.id,
      manager,
      file(2, { name: '宠物零食节', category: '宠物', shopSize: 'large' })
    )
    const beauty = await client.get('/templates').qs({ category: '美妆' }).loginAs(manager)
    beauty.assertTextIncludes('美妆会员日')
    assert.notInclude(beauty.text(), '宠物零食节')
    // Categories in use appear in the filter next to the usual ones.
    beauty.assertTextIncludes('<option value="宠物"')
    const large = await client.get('/templates').qs({ shopSize: 'large' }).loginAs(manager)
    large.assertTextIncludes('宠物零食节')
    assert.notInclude(large.text(), '美妆会员日')
    const pets = await new ManageTemplates(ZONE).list(company.id, { category: '宠物' })
    assert.deepEqual(
      pets.map((t) => t.name),
      ['宠物零食节']
    )
    const none = await new ManageTemplates(ZONE).list(company.id, {
      category: '宠物',
      shopSize: 'small',
    })
    assert.lengthOf(none, 0)
  })

  test('files: version 2 carries hours and dependencies both ways; version 1 still imports; unknown versions and circles are refused with every problem listed', async ({
    assert,
  }) => {
    const { company } = await createCompanyWithShops()
    const manager = await createStaff('manager')
    const template = await imported(company.id, manager)
    const exported = await new TemplateFiles().export(template)
    assert.equal(exported.version, 2)
    assert.deepInclude(exported.template.tasks[2], { dependsOn: [1, 2], offsetHours: null })
    assert.deepInclude(exported.template.tasks[3], { offsetHours: -2, dependsOn: [] })
    const again = await imported(company.id, manager, exported)
    assert.deepEqual(await new TemplateFiles().export(again), exported)

    const old = file(1)
    for (const task of old.template.tasks as any[]) {
      delete task.offsetHours
      delete task.dependsOn
    }
    const v1 = await imported(company.id, manager, old)
    assert.lengthOf(v1.tasks, 5)
    assert.isNull(v1.tasks[3].offsetHours)

    const before = Number((await db.from('playbook_templates').count('* as n').first())!.n)
    const wrong = file(3, { name: '' })
    const result = await new TemplateFiles().import(company.id, JSON.stringify(wrong), manager)
    assert.isFalse(result.ok)
    const fields = (result as any).problems.map((p: any) => p.field)
    assert.includeMembers(fields, ['version', 'template.name'])

    const circle = file(2)
    ;(circle.template.tasks[0] as any).dependsOn = [5]
    ;(circle.template.tasks[1] as any).dependsOn = [2, 9]
    ;(circle.template.tasks[1] as any).offsetDays = 'soon'
    const refused = await new TemplateFiles().import(company.id, JSON.stringify(circle), manager)
    assert.isFalse(refused.ok)
    const messages = (refused as any).problems.map((p: any) => `${p.field} ${p.message}`)
    assert.isTrue(messages.some((m: string) => m.includes('循环')))
    assert.isTrue(messages.some((m: string) => m.includes('不能等待它自己')))
    assert.isTrue(messages.some((m: string) => m.includes('#9')))
    assert.isTrue(messages.some((m: string) => m.startsWith('template.tasks.1.offsetDays')))
    assert.equal(Number((await db.from('playbook_templates').count('* as n').first())!.n), before)
  })

  test('API: the library filters, and from-template skips holidays and carries dependencies', async ({
    client,
    assert,
  }) => {
    const { company } = await createCompanyWithShops()
    const manager = await createStaff('manager')
    const secret = await new ManageAccessTokens().create(manager, { name: 'test' }, null)
    const template = await imported(company.id, manager)
    const listed = await client
      .get('/api/v1/templates')
      .qs({ category: '美妆', shopSize: 'small' })
      .bearerToken(secret)
    listed.assertStatus(200)
    assert.deepEqual(
      listed.body().data.map((t: any) => t.name),
      ['美妆会员日']
    )
    const badSize = await client
      .get('/api/v1/templates')
      .qs({ shopSize: 'huge' })
      .bearerToken(secret)
    badSize.assertStatus(422)

    await new Holidays().add(company.id, { from: '2026-12-11', name: '店庆' }, manager)
    const response = await client
      .post('/api/v1/projects/from-template')
      .bearerToken(secret)
      .json({ templateId: template.id, anchorDate: '2026-12-12', skipHolidays: true })
    response.assertStatus(201)
    const tasks = response.body().data.tasks
    const byTitle = new Map(tasks.map((t: any) => [t.title, t]))
    // 海报上线 T-1 10:00 falls on the holiday → 12-10 10:00.
    assert.deepInclude(byTitle.get('海报上线'), { dueDate: '2026-12-10', dueTime: '10:00' })
    const deps = await db
      .from('task_dependencies')
      .where('task_id', (byTitle.get('复盘') as any).id)
      .select('blocked_by_id')
    assert.deepEqual(
      deps.map((d: any) => Number(d.blocked_by_id)),
      [(byTitle.get('海报上线') as any).id]
    )
  })

  test('a built-in with more than 20 tasks (双11, 25) is edited through the form: every row is kept', async ({
    client,
    assert,
  }) => {
    const { company } = await createCompanyWithShops()
    const manager = await createStaff('manager')
    await new ManageTemplates(ZONE).ensureBuiltins(company.id)
    const builtin = await PlaybookTemplate.query()
      .where({ companyId: company.id, builtinKey: 'double11' })
      .preload('tasks')
      .firstOrFail()
    const fields = formOf(builtin)
    fields['tasks[24][title]'] = '双11 复盘会（改）'
    const saved = await client
      .post(`/templates/${builtin.id}/edit`)
      .form(fields)
      .withCsrfToken()
      .loginAs(manager)
      .redirects(0)
    saved.assertStatus(302)
    const next = await PlaybookTemplate.query()
      .where('lineageId', builtin.id)
      .preload('tasks')
      .firstOrFail()
    assert.lengthOf(next.tasks, 25)
    assert.equal(next.tasks[24].title, '双11 复盘会（改）')
    assert.deepEqual(
      next.tasks.slice(0, 24).map((t) => [t.title, t.offsetDays, t.dueTime, t.role]),
      builtin.tasks.slice(0, 24).map((t) => [t.title, t.offsetDays, t.dueTime, t.role])
    )
    // The built-in stays seeded once: opening the library does not add it again.
    const library = await new ManageTemplates(ZONE).list(company.id)
    assert.notInclude(
      library.map((t) => t.id),
      builtin.id
    )
    assert.include(
      library.map((t) => t.id),
      next.id
    )
  })
})
