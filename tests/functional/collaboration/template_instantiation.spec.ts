import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import type User from '#app/identity/models/user'
import Project from '#app/collaboration/models/project'
import Task from '#app/collaboration/models/task'
import TaskLabel from '#app/collaboration/models/task_label'
import PlaybookTemplate from '#app/collaboration/models/playbook_template'
import PlaybookTemplateTask from '#app/collaboration/models/playbook_template_task'
import { ManageTemplates, dueDay } from '#app/collaboration/actions/manage_templates'
import { ManageProjects } from '#app/collaboration/actions/manage_projects'
import { ManageTasks } from '#app/collaboration/actions/manage_tasks'
import { AuditLog } from '#app/shared/audit/audit_log'
import { createStaff } from '#tests/support/staff'
import { createCompanyWithShops } from '#tests/functional/members/fixtures'
import { ZONE } from '#tests/functional/collaboration/fixtures'

const TASKS = [
  {
    title: '选品与报名',
    offsetDays: -14,
    role: '运营',
    labels: '报名, 选品',
    checklist: '核价\n提报',
  },
  { title: '主图与详情页', offsetDays: -7, role: '美工', labels: '设计，报名', checklist: null },
  {
    title: '开售盯盘',
    offsetDays: 0,
    dueTime: '09:30',
    role: '运营',
    labels: null,
    checklist: '整点数据',
  },
  { title: '复盘', offsetDays: 2, role: null, priority: 3, labels: '复盘', checklist: null },
]

async function templateOf(companyId: number) {
  const template = await PlaybookTemplate.create({
    companyId,
    builtinKey: null,
    name: '小型聚划算',
    category: null,
    shopSize: null,
    description: '测试模板',
    version: 2,
  })
  await PlaybookTemplateTask.createMany(
    TASKS.map((task, index) => ({
      templateId: template.id,
      position: index + 1,
      title: task.title,
      description: null,
      offsetDays: task.offsetDays,
      dueTime: task.dueTime ?? null,
      role: task.role,
      priority: task.priority ?? 1,
      labels: task.labels,
      checklist: task.checklist,
    }))
  )
  return template
}

/** Every row a project's tasks produced, with task ids replaced by their order. */
async function rowsOf(projectId: number) {
  const tasks = await Task.query()
    .where('projectId', projectId)
    .preload('labels')
    .preload('checklist')
    .orderBy('id')
  const index = new Map(tasks.map((t, i) => [t.id, i]))
  const ids = tasks.map((t) => t.id)
  const watchers = await db.from('task_watchers').whereIn('task_id', ids)
  const activities = await db.from('collaboration_activities').whereIn('task_id', ids).orderBy('id')
  const audit = await db
    .from('audit_events')
    .where('entity_type', 'task')
    .whereIn(
      'entity_id',
      ids.map((id) => String(id))
    )
    .orderBy('id')
  return {
    tasks: tasks.map((t) => ({
      title: t.title,
      description: t.description,
      statusId: t.statusId,
      priority: t.priority,
      assigneeId: t.assigneeId,
      startAt: t.startAt,
      dueAt: t.dueAt?.toISO(),
      dueHasTime: t.dueHasTime,
      completedAt: t.completedAt,
      position: t.position,
      version: t.version,
      createdById: t.createdById,
      labels: t.labels.map((l) => l.name).sort(),
      checklist: t.checklist
        .sort((a, b) => a.position - b.position)
        .map((c) => [c.title, c.position, Boolean(c.isDone)]),
      watchers: watchers
        .filter((w: any) => Number(w.task_id) === t.id)
        .map((w: any) => Number(w.user_id))
        .sort(),
    })),
    activities: activities.map((a: any) => [
      index.get(Number(a.task_id)),
      Number(a.actor_id),
      a.verb,
      typeof a.data === 'string' ? JSON.parse(a.data) : a.data,
    ]),
    audit: audit.map((a: any) => [
      index.get(Number(a.entity_id)),
      a.action,
      Number(a.actor_id),
      typeof a.changes === 'string' ? JSON.parse(a.changes) : a.changes,
    ]),
  }
}

async function byHand(
  companyId: number,
  template: PlaybookTemplate,
  roles: Record<string, number>,
  actor: User
) {
  const project = await new ManageProjects().create(
    companyId,
    { name: '手工', memberIds: Object.values(roles) },
    actor
  )
  await project.load('members')
  const anchor = DateTime.fromISO('2026-12-12', { zone: ZONE })
  const tasks = new ManageTasks(ZONE)
  for (const item of template.tasks) {
    await tasks.create(
      project,
      {
        title: item.title,
        description: item.description,
        priority: item.priority,
        assigneeId: (item.role && roles[item.role]) || null,
        dueDate: dueDay(anchor, item.offsetDays),
        dueTime: item.dueTime,
        labels: item.labels ?? '',
        checklist: item.checklist,
      },
      actor,
      { quiet: true }
    )
  }
  return project
}

test.group('Collaboration / project from a template in one transaction', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('the set-based instantiation writes the same rows as creating each task by hand', async ({
    assert,
  }) => {
    const { company } = await createCompanyWithShops()
    const manager = await createStaff('manager', { fullName: '王丽娟' })
    const operator = await createStaff('operator', { fullName: '张伟' })
    const designer = await createStaff('service', { fullName: '李娜' })
    // One label exists already: it is reused, not duplicated.
    await TaskLabel.create({ companyId: company.id, name: '报名' })
    const template = await templateOf(company.id)
    await template.load('tasks')
    const roles = { 运营: operator.id, 美工: designer.id }

    const { project, tasks } = await new ManageTemplates(ZONE).instantiate(
      company.id,
      { templateId: template.id, anchorDate: '2026-12-12', roles },
      manager
    )
    assert.lengthOf(tasks, 4)
    assert.equal(tasks[2].dueAt!.toISO(), '2026-12-12T01:30:00.000Z')
    const fromTemplate = await rowsOf(project.id)
    const manualProject = await byHand(company.id, template, roles, manager)
    const manual = await rowsOf(manualProject.id)
    assert.deepEqual(fromTemplate, manual)
    assert.lengthOf(fromTemplate.activities, 7)
    assert.deepEqual(fromTemplate.tasks[0].labels, ['报名', '选品'])
    assert.deepEqual(fromTemplate.tasks[1].watchers.sort(), [manager.id, designer.id].sort())
    const labels = await TaskLabel.query().where({ companyId: company.id, name: '报名' })
    assert.lengthOf(labels, 1)

    const reloaded = await Project.findOrFail(project.id)
    assert.equal(reloaded.templateVersion, 2)
    assert.equal(reloaded.anchorDate!.toISODate(), '2026-12-12')
    const summary = await db
      .from('audit_events')
      .where({ action: 'collaboration.project_from_template', entity_id: String(project.id) })
    assert.lengthOf(summary, 1)
  })

  test('a failure part-way leaves nothing: no project, tasks, labels, activity or audit rows', async ({
    assert,
  }) => {
    const { company } = await createCompanyWithShops()
    const manager = await createStaff('manager')
    const operator = await createStaff('operator')
    const template = await templateOf(company.id)
    const count = async (table: string) => {
      const row = await db.from(table).count('* as total').first()
      return Number(row?.total ?? 0)
    }
    const before = {
      audit: await count('audit_events'),
      activities: await count('collaboration_activities'),
      labels: await count('task_labels'),
    }
    // The audit entries are the last write: by then the project, tasks,
    // labels, checklist items, watchers and activity rows are inserted.
    const original = AuditLog.recordMany
    let reached = false
    AuditLog.recordMany = async () => {
      reached = true
      throw new Error('disk full')
    }
    try {
      await assert.rejects(
        () =>
          new ManageTemplates(ZONE).instantiate(
            company.id,
            { templateId: template.id, anchorDate: '2026-12-12', roles: { 运营: operator.id } },
            manager
          ),
        'disk full'
      )
    } finally {
      AuditLog.recordMany = original
    }
    assert.isTrue(reached)
    assert.lengthOf(await Project.query().where('companyId', company.id), 0)
    assert.lengthOf(await Task.query().where('companyId', company.id), 0)
    assert.equal(await count('task_checklist_items'), 0)
    assert.equal(await count('task_watchers'), 0)
    assert.equal(await count('project_members'), 0)
    assert.deepEqual(
      {
        audit: await count('audit_events'),
        activities: await count('collaboration_activities'),
        labels: await count('task_labels'),
      },
      before
    )
    assert.lengthOf(await db.from('staff_notifications').where('user_id', operator.id), 0)
  })
})
