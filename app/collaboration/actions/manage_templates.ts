import { DateTime } from 'luxon'
import i18nManager from '@adonisjs/i18n/services/main'
import User from '#app/identity/models/user'
import type Project from '#app/collaboration/models/project'
import Task from '#app/collaboration/models/task'
import PlaybookTemplate from '#app/collaboration/models/playbook_template'
import PlaybookTemplateTask from '#app/collaboration/models/playbook_template_task'
import { BUILTIN_TEMPLATES } from '#app/collaboration/playbooks/builtin'
import { ManageProjects } from '#app/collaboration/actions/manage_projects'
import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import { ActivityFeed, type ActivityEntry } from '#app/collaboration/actions/activity_feed'
import { TaskDates } from '#app/collaboration/actions/task_dates'
import { TaskStatuses } from '#app/collaboration/actions/task_statuses'
import { NotifyStaff } from '#app/collaboration/actions/notify_staff'
import { ProjectAccess } from '#app/collaboration/actions/project_access'
import { AuditLog } from '#app/shared/audit/audit_log'
import { Holidays } from '#app/collaboration/actions/holidays'
import { DomainError, ForbiddenError } from '#app/shared/errors/domain_error'
import { toDbTime } from '#app/shared/kernel/db_values'

export interface InstantiateInput {
  templateId: number
  /** The event day T, YYYY-MM-DD in the company zone. */
  anchorDate: string
  name?: string
  shopId?: number | null
  isPrivate?: boolean
  /** Role placeholder → user id; unmapped roles leave tasks unassigned. */
  roles?: Record<string, number | null | undefined>
  /**
   * Moves due days that fall on a weekend: before T to the Friday before,
   * after T to the Monday after; tasks on T itself stay on the event day.
   */
  skipWeekends?: boolean
  /** Keeps due days off the company's holidays (设置 → 节假日) the same way. */
  skipHolidays?: boolean
}

/** Rows per multi-row insert (well under SQLite's bound-parameter limit). */
const CHUNK = 50

interface PlannedTask {
  item: PlaybookTemplateTask
  assigneeId: number | null
  due: { at: DateTime | null; hasTime: boolean }
  labels: string[]
  checklist: string[]
}

/** Comma-separated label names as a task form reads them: trimmed, at most 40 characters, once each. */
function labelNames(labels: string | null | undefined) {
  return [
    ...new Set(
      (labels ?? '')
        .split(/[,，]/)
        .map((name) => name.trim().slice(0, 40))
        .filter(Boolean)
    ),
  ]
}

export interface DayRules {
  skipWeekends?: boolean
  /** Company holidays (YYYY-MM-DD) to keep due days off. */
  holidays?: ReadonlySet<string>
}

/**
 * The due day of a task `offset` days from T, optionally kept off weekends
 * and holidays: a day before T moves earlier, a day after T later, until it
 * is a working day; T itself always stays (it is the event).
 */
export function dueDay(anchor: DateTime, offset: number, rules: boolean | DayRules = false) {
  const { skipWeekends = false, holidays } =
    typeof rules === 'boolean' ? { skipWeekends: rules } : rules
  let day = anchor.plus({ days: offset })
  if (offset === 0) return day.toISODate()!
  const off = (d: DateTime) =>
    (skipWeekends && d.weekday > 5) || (holidays?.has(d.toISODate()!) ?? false)
  // A year of days off in a row cannot happen; the bound only guards bad data.
  for (let i = 0; i < 366 && off(day); i++) day = day.plus({ days: offset < 0 ? -1 : 1 })
  return day.toISODate()!
}

/**
 * 模板: the template library. Built-ins are seeded once per company; a
 * project is created from a template by choosing T and who plays each
 * role; any project can be saved as a new template.
 */
export class ManageTemplates {
  constructor(private zone: string) {}

  async ensureBuiltins(companyId: number) {
    const existing = await PlaybookTemplate.query()
      .where('companyId', companyId)
      .whereNotNull('builtinKey')
      .select('builtinKey')
    const have = new Set(existing.map((t) => t.builtinKey))
    for (const builtin of BUILTIN_TEMPLATES) {
      if (have.has(builtin.key)) continue
      const template = await PlaybookTemplate.create({
        companyId,
        builtinKey: builtin.key,
        name: builtin.name,
        category: builtin.category,
        shopSize: builtin.shopSize,
        description: builtin.description,
        version: 1,
      })
      await PlaybookTemplateTask.createMany(
        builtin.tasks.map((task, index) => ({
          templateId: template.id,
          position: index + 1,
          title: task.title,
          description: task.description ?? null,
          offsetDays: task.offset,
          dueTime: task.time ?? null,
          role: task.role,
          priority: task.priority ?? 1,
          labels: task.labels ?? null,
          checklist: task.checklist?.join('\n') ?? null,
        }))
      )
    }
  }

  /** The library: the current version of each template, optionally by category and shop size. */
  async list(companyId: number, filters: { category?: string; shopSize?: string } = {}) {
    await this.ensureBuiltins(companyId)
    const query = PlaybookTemplate.query().where('companyId', companyId).whereNull('supersededAt')
    if (filters.category) query.where('category', filters.category)
    if (filters.shopSize) query.where('shopSize', filters.shopSize)
    return query
      .withCount('tasks')
      .orderByRaw('case when builtin_key is null then 1 else 0 end')
      .orderBy('id')
  }

  async find(companyId: number, id: number) {
    return PlaybookTemplate.query().where({ companyId, id }).preload('tasks').firstOrFail()
  }

  /**
   * Creates the project and its tasks, due at T + offset in the company
   * zone. One transaction with set-based inserts: the project (with its
   * members, activity and audit row), then all tasks, labels, checklist
   * items, watchers, activity rows and audit entries in a few statements.
   * Rows are the same as creating each task by hand; a failure part-way
   * leaves nothing. Notifications go out after the commit.
   */
  async instantiate(companyId: number, input: InstantiateInput, actor: User) {
    if (!actor.can('tasks.edit')) throw new ForbiddenError()
    const template = await this.find(companyId, input.templateId)
    const anchor = DateTime.fromISO(input.anchorDate, { zone: this.zone })
    if (!anchor.isValid) throw new DomainError('E_BAD_DATE', 'collaboration.errors.bad_date', 422)
    const roles = input.roles ?? {}
    const userIds = [...new Set(Object.values(roles).filter((id): id is number => !!id))]
    const users = userIds.length
      ? await User.query().whereIn('id', userIds).whereNull('disabledAt')
      : []
    if (users.length !== userIds.length || users.some((u) => !u.can('tasks.view'))) {
      throw new DomainError('E_BAD_ASSIGNEE', 'collaboration.errors.bad_assignee', 422)
    }
    const holidays = input.skipHolidays
      ? await Holidays.daysBetween(
          companyId,
          anchor.plus({ days: Math.min(0, ...template.tasks.map((t) => t.offsetDays)) - 60 }),
          anchor.plus({ days: Math.max(0, ...template.tasks.map((t) => t.offsetDays)) + 60 })
        )
      : undefined
    const day = (offset: number) =>
      dueDay(anchor, offset, { skipWeekends: input.skipWeekends, holidays })
    // Everything that may refuse is checked before the transaction opens.
    const statuses = await TaskStatuses.forCompany(companyId)
    const status = statuses.find((s) => !s.isDone)!
    const names = new Map(users.map((u) => [u.id, u.fullName]))
    const planned = template.tasks.map((item) => ({
      item,
      assigneeId: (item.role && roles[item.role]) || null,
      due: this.due(day(item.offsetDays), item),
      labels: labelNames(item.labels),
      checklist: (item.checklist ?? '')
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean),
    }))

    const dueDays = planned
      .map((p) => p.due.at!.setZone(this.zone).toISODate()!)
      .sort((a, b) => a.localeCompare(b))

    const { project, created } = await db.transaction(async (trx) => {
      const made = await new ManageProjects().create(
        companyId,
        {
          name: input.name || `${template.name} ${anchor.toISODate()}`,
          description: template.description,
          shopId: input.shopId ?? null,
          startsOn: dueDays.length ? dueDays[0] : anchor.toISODate(),
          endsOn: dueDays.length ? dueDays.at(-1) : anchor.toISODate(),
          status: 'planning',
          isPrivate: input.isPrivate ?? false,
          memberIds: userIds,
        },
        actor,
        trx
      )
      made.merge({
        templateId: template.id,
        templateVersion: template.version,
        anchorDate: DateTime.fromISO(anchor.toISODate()!, { zone: 'utc' }),
      })
      await made.save()
      await made.load('members')
      const tasks = await this.insertTasks(trx, made, status.id, planned, actor, names)
      await this.insertDependencies(trx, template.tasks, tasks)
      await AuditLog.recordMany(
        [
          ...tasks.map((task) => ({
            entityType: 'task',
            entityId: task.id,
            action: 'collaboration.task_created',
            after: {
              title: task.title,
              statusId: task.statusId,
              priority: task.priority,
              assigneeId: task.assigneeId,
              startAt: null,
              dueAt: task.dueAt?.toISO() ?? null,
            },
            actor,
          })),
          {
            entityType: 'project',
            entityId: made.id,
            action: 'collaboration.project_from_template',
            context: {
              templateId: template.id,
              templateVersion: template.version,
              anchorDate: anchor.toISODate(),
              tasks: tasks.length,
            },
            actor,
          },
        ],
        trx
      )
      return { project: made, created: tasks }
    })

    // One notification per person rather than one per task.
    for (const user of users) {
      const mine = created.filter((t) => t.assigneeId === user.id)
      if (mine.length === 0) continue
      await new NotifyStaff().task({
        companyId,
        kind: 'task.assigned',
        userIds: [user.id],
        actorId: actor.id,
        task: { id: mine[0].id, title: project.name },
        titleKey: 'assigned_many',
        actorName: actor.fullName,
        count: mine.length,
      })
    }
    return { project, tasks: created }
  }

  /**
   * T + days at the task's time (or all day); with hours, T + days at its
   * time (or 00:00) plus the hours, which always gives a time of day.
   */
  private due(day: string, item: PlaybookTemplateTask) {
    if (!item.offsetHours) return TaskDates.parse(day, item.dueTime, this.zone)
    const base = TaskDates.parse(day, item.dueTime ?? '00:00', this.zone)
    return { at: base.at!.plus({ hours: item.offsetHours }), hasTime: true }
  }

  /** The template's "waits for" between its tasks, as task dependencies of the new project. */
  private async insertDependencies(
    trx: TransactionClientContract,
    items: PlaybookTemplateTask[],
    created: Task[]
  ) {
    const byPosition = new Map(items.map((item, index) => [item.position, created[index]?.id]))
    const rows: { task_id: number; blocked_by_id: number }[] = []
    items.forEach((item, index) => {
      for (const position of new Set(item.dependsOnList)) {
        const blocker = byPosition.get(position)
        if (blocker && blocker !== created[index].id) {
          rows.push({ task_id: created[index].id, blocked_by_id: blocker })
        }
      }
    })
    for (let i = 0; i < rows.length; i += CHUNK) {
      await trx.table('task_dependencies').multiInsert(rows.slice(i, i + CHUNK))
    }
  }

  /**
   * The template's tasks in one insert, then their labels, checklist items,
   * watchers (the creator and the assignee) and activity rows.
   */
  private async insertTasks(
    trx: TransactionClientContract,
    project: Project,
    statusId: number,
    planned: PlannedTask[],
    actor: User,
    names: Map<number, string>
  ) {
    if (planned.length === 0) return []
    const now = toDbTime(DateTime.utc(), trx)
    for (let i = 0; i < planned.length; i += CHUNK) {
      await trx.table('tasks').multiInsert(
        planned.slice(i, i + CHUNK).map((p, j) => ({
          company_id: project.companyId,
          project_id: project.id,
          title: p.item.title,
          description: p.item.description ?? null,
          status_id: statusId,
          priority: p.item.priority ?? 1,
          assignee_id: p.assigneeId,
          start_at: null,
          start_has_time: false,
          due_at: toDbTime(p.due.at, trx),
          due_has_time: p.due.hasTime,
          completed_at: null,
          position: i + j + 1,
          version: 1,
          created_by_id: actor.id,
          created_at: now,
          updated_at: now,
        }))
      )
    }
    // A new project: its tasks are exactly these, in insertion (id) order.
    const created = await Task.query({ client: trx }).where('projectId', project.id).orderBy('id')
    if (created.length !== planned.length) throw new Error('template tasks were not all inserted')

    const wanted = [...new Set(planned.flatMap((p) => p.labels))]
    const labelIds = new Map<string, number>()
    if (wanted.length) {
      const existing = await trx
        .from('task_labels')
        .where('company_id', project.companyId)
        .whereIn('name', wanted)
        .select('id', 'name')
      for (const row of existing) labelIds.set(row.name, Number(row.id))
      const missing = wanted.filter((name) => !labelIds.has(name))
      if (missing.length) {
        await trx
          .table('task_labels')
          .multiInsert(missing.map((name) => ({ company_id: project.companyId, name })))
        const added = await trx
          .from('task_labels')
          .where('company_id', project.companyId)
          .whereIn('name', missing)
          .select('id', 'name')
        for (const row of added) labelIds.set(row.name, Number(row.id))
      }
    }

    const assignments: { task_id: number; label_id: number }[] = []
    const items: { task_id: number; title: string; is_done: boolean; position: number }[] = []
    const watchers: { task_id: number; user_id: number }[] = []
    const activities: ActivityEntry[] = []
    created.forEach((task, index) => {
      const plan = planned[index]
      for (const name of plan.labels) {
        assignments.push({ task_id: task.id, label_id: labelIds.get(name)! })
      }
      plan.checklist.forEach((title, position) => {
        items.push({ task_id: task.id, title, is_done: false, position })
      })
      watchers.push({ task_id: task.id, user_id: actor.id })
      const entry = { companyId: task.companyId, projectId: task.projectId, taskId: task.id }
      activities.push({
        ...entry,
        actorId: actor.id,
        verb: 'task.created',
        data: { title: task.title },
      })
      if (task.assigneeId) {
        if (task.assigneeId !== actor.id)
          watchers.push({ task_id: task.id, user_id: task.assigneeId })
        activities.push({
          ...entry,
          actorId: actor.id,
          verb: 'task.assigned',
          data: { title: task.title, assignee: names.get(task.assigneeId) ?? null },
        })
      }
    })
    for (const [table, rows] of [
      ['task_label_assignments', assignments],
      ['task_checklist_items', items],
      ['task_watchers', watchers],
    ] as const) {
      for (let i = 0; i < rows.length; i += CHUNK) {
        await trx.table(table).multiInsert(rows.slice(i, i + CHUNK))
      }
    }
    await ActivityFeed.recordMany(activities, trx)
    return created
  }

  /**
   * Saves a project's tasks as a new template: offsets from the given T,
   * the assignee's role as the placeholder, labels and checklists kept.
   */
  async saveProject(
    project: Project,
    input: { name: string; category?: string | null; anchorDate: string },
    actor: User
  ) {
    ProjectAccess.assertEditTasks(project, actor)
    const anchor = DateTime.fromISO(input.anchorDate, { zone: this.zone })
    if (!anchor.isValid) throw new DomainError('E_BAD_DATE', 'collaboration.errors.bad_date', 422)
    const tasks = await Task.query()
      .where('projectId', project.id)
      .preload('assignee')
      .preload('labels')
      .preload('checklist')
      .orderByRaw('case when due_at is null then 1 else 0 end')
      .orderBy('dueAt')
      .orderBy('id')
    const zh = i18nManager.locale('zh-CN')
    const positions = new Map(tasks.map((task, index) => [task.id, index + 1]))
    const waits = tasks.length
      ? await db
          .from('task_dependencies')
          .whereIn(
            'task_id',
            tasks.map((task) => task.id)
          )
          .select('task_id', 'blocked_by_id')
      : []
    const template = await PlaybookTemplate.create({
      companyId: project.companyId,
      builtinKey: null,
      name: input.name,
      category: input.category ?? null,
      shopSize: null,
      description: project.description,
      version: 1,
      createdById: actor.id,
    })
    await PlaybookTemplateTask.createMany(
      tasks.map((task, index) => {
        const due = task.dueAt?.setZone(this.zone)
        return {
          templateId: template.id,
          position: index + 1,
          title: task.title,
          description: task.description,
          offsetDays: due ? Math.round(due.startOf('day').diff(anchor, 'days').days) : 0,
          dueTime: due && task.dueHasTime ? due.toFormat('HH:mm') : null,
          role: task.assignee ? zh.t(`roles.${task.assignee.role}`) : null,
          priority: task.priority,
          labels: task.labels.map((l) => l.name).join(', ') || null,
          checklist: task.checklist.map((i) => i.title).join('\n') || null,
          dependsOn:
            waits
              .filter((w: any) => Number(w.task_id) === task.id)
              .map((w: any) => positions.get(Number(w.blocked_by_id)))
              .filter((p: number | undefined) => p !== undefined)
              .join(',') || null,
        }
      })
    )
    await AuditLog.record({
      entityType: 'playbook_template',
      entityId: template.id,
      action: 'collaboration.template_saved',
      context: { projectId: project.id, tasks: tasks.length },
      actor,
    })
    return template
  }
}
