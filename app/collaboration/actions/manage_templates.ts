import { DateTime } from 'luxon'
import i18nManager from '@adonisjs/i18n/services/main'
import User from '#app/identity/models/user'
import type Project from '#app/collaboration/models/project'
import Task from '#app/collaboration/models/task'
import PlaybookTemplate from '#app/collaboration/models/playbook_template'
import PlaybookTemplateTask from '#app/collaboration/models/playbook_template_task'
import { BUILTIN_TEMPLATES } from '#app/collaboration/playbooks/builtin'
import { ManageProjects } from '#app/collaboration/actions/manage_projects'
import { ManageTasks } from '#app/collaboration/actions/manage_tasks'
import { NotifyStaff } from '#app/collaboration/actions/notify_staff'
import { ProjectAccess } from '#app/collaboration/actions/project_access'
import { AuditLog } from '#app/shared/audit/audit_log'
import { DomainError, ForbiddenError } from '#app/shared/errors/domain_error'

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
}

/** The due day of a task `offset` days from T, optionally kept off weekends. */
export function dueDay(anchor: DateTime, offset: number, skipWeekends = false) {
  let day = anchor.plus({ days: offset })
  if (skipWeekends && offset !== 0) {
    while (day.weekday > 5) day = day.plus({ days: offset < 0 ? -1 : 1 })
  }
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

  async list(companyId: number) {
    await this.ensureBuiltins(companyId)
    return PlaybookTemplate.query()
      .where('companyId', companyId)
      .withCount('tasks')
      .orderByRaw('case when builtin_key is null then 1 else 0 end')
      .orderBy('id')
  }

  async find(companyId: number, id: number) {
    return PlaybookTemplate.query().where({ companyId, id }).preload('tasks').firstOrFail()
  }

  /** Creates the project and its tasks, due at T + offset in the company zone. */
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
    const offsets = template.tasks.map((t) => t.offsetDays)
    const day = (offset: number) => dueDay(anchor, offset, input.skipWeekends)
    const project = await new ManageProjects().create(
      companyId,
      {
        name: input.name || `${template.name} ${anchor.toISODate()}`,
        description: template.description,
        shopId: input.shopId ?? null,
        startsOn: offsets.length ? day(Math.min(...offsets)) : anchor.toISODate(),
        endsOn: offsets.length ? day(Math.max(...offsets)) : anchor.toISODate(),
        status: 'planning',
        isPrivate: input.isPrivate ?? false,
        memberIds: userIds,
      },
      actor
    )
    project.merge({
      templateId: template.id,
      templateVersion: template.version,
      anchorDate: DateTime.fromISO(anchor.toISODate()!, { zone: 'utc' }),
    })
    await project.save()
    await project.load('members')

    const tasks = new ManageTasks(this.zone)
    const created: Task[] = []
    for (const item of template.tasks) {
      created.push(
        await tasks.create(
          project,
          {
            title: item.title,
            description: item.description,
            priority: item.priority,
            assigneeId: (item.role && roles[item.role]) || null,
            dueDate: day(item.offsetDays),
            dueTime: item.dueTime,
            labels: item.labels ?? '',
            checklist: item.checklist,
          },
          actor,
          { quiet: true }
        )
      )
    }
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
    await AuditLog.record({
      entityType: 'project',
      entityId: project.id,
      action: 'collaboration.project_from_template',
      context: {
        templateId: template.id,
        templateVersion: template.version,
        anchorDate: anchor.toISODate(),
        tasks: created.length,
      },
      actor,
    })
    return { project, tasks: created }
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
