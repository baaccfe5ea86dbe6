import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import User from '#app/identity/models/user'
import Project from '#app/collaboration/models/project'
import Task from '#app/collaboration/models/task'
import type TaskStatus from '#app/collaboration/models/task_status'
import TaskLabel from '#app/collaboration/models/task_label'
import TaskChecklistItem from '#app/collaboration/models/task_checklist_item'
import Activity from '#app/collaboration/models/activity'
import { ActivityFeed } from '#app/collaboration/actions/activity_feed'
import { NotifyStaff } from '#app/collaboration/actions/notify_staff'
import { ProjectAccess } from '#app/collaboration/actions/project_access'
import { TaskDates } from '#app/collaboration/actions/task_dates'
import { TaskStatuses } from '#app/collaboration/actions/task_statuses'
import { AuditLog } from '#app/shared/audit/audit_log'
import { DomainError } from '#app/shared/errors/domain_error'
import { toDbTime } from '#app/shared/kernel/db_values'

export interface TaskInput {
  title: string
  description?: string | null
  priority?: number
  statusId?: number
  assigneeId?: number | null
  collaboratorIds?: number[]
  startDate?: string | null
  startTime?: string | null
  dueDate?: string | null
  dueTime?: string | null
  /** Comma-separated label names; unknown ones are created. */
  labels?: string | null
  /** New checklist items, one per line (create only). */
  checklist?: string | null
  /** Set by the recurring-task job: the rule and the occurrence day (YYYY-MM-DD). */
  recurrence?: { ruleId: number; date: string }
}

/**
 * 任务: create, edit (with a version check so a second save never
 * silently overwrites the first), move between statuses (idempotent),
 * complete, tick checklist items, watch. Every change is an activity row
 * and an audit event; assignments notify the assignee.
 */
export class ManageTasks {
  constructor(private zone: string) {}

  /** `quiet` skips the assignment notification (a template sends one summary instead). */
  async create(project: Project, input: TaskInput, actor: User, options: { quiet?: boolean } = {}) {
    ProjectAccess.assertEditTasks(project, actor)
    const statuses = await TaskStatuses.forCompany(project.companyId)
    const status = input.statusId
      ? this.statusOf(statuses, input.statusId)
      : statuses.find((s) => !s.isDone)!
    const start = TaskDates.parse(input.startDate, input.startTime, this.zone)
    const due = TaskDates.parse(input.dueDate, input.dueTime, this.zone)
    TaskDates.assertOrder(start.at, due.at)
    if (input.assigneeId) await this.assertAssignable(project, input.assigneeId)
    const last = await Task.query()
      .where({ projectId: project.id, statusId: status.id })
      .max('position as top')
      .first()
    const task = await Task.create({
      companyId: project.companyId,
      projectId: project.id,
      title: input.title,
      description: input.description ?? null,
      statusId: status.id,
      priority: input.priority ?? 1,
      assigneeId: input.assigneeId ?? null,
      startAt: start.at,
      startHasTime: start.hasTime,
      dueAt: due.at,
      dueHasTime: due.hasTime,
      completedAt: status.isDone ? DateTime.utc() : null,
      position: Number(last?.$extras.top ?? 0) + 1,
      version: 1,
      createdById: actor.id,
      recurringTaskId: input.recurrence?.ruleId ?? null,
      occurrenceDate: input.recurrence
        ? DateTime.fromISO(input.recurrence.date, { zone: 'utc' })
        : null,
    })
    await this.syncLabels(task, input.labels)
    await this.syncCollaborators(task, input.collaboratorIds ?? [])
    const lines = (input.checklist ?? '')
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean)
    for (const [index, title] of lines.entries()) {
      await TaskChecklistItem.create({ taskId: task.id, title, isDone: false, position: index })
    }
    await this.watch(task, actor.id)
    await ActivityFeed.record({
      companyId: task.companyId,
      projectId: task.projectId,
      taskId: task.id,
      actorId: actor.id,
      verb: 'task.created',
      data: { title: task.title },
    })
    if (task.assigneeId) await this.assigned(task, actor, !options.quiet)
    await AuditLog.record({
      entityType: 'task',
      entityId: task.id,
      action: 'collaboration.task_created',
      after: this.snapshot(task),
      actor,
    })
    return task
  }

  /** Saves the edit form; `version` is the one the form was read at. */
  async update(task: Task, input: TaskInput & { version: number }, actor: User) {
    const project = await this.project(task)
    ProjectAccess.assertEditTasks(project, actor)
    const start = TaskDates.parse(input.startDate, input.startTime, this.zone)
    const due = TaskDates.parse(input.dueDate, input.dueTime, this.zone)
    TaskDates.assertOrder(start.at, due.at)
    if (input.assigneeId && input.assigneeId !== task.assigneeId) {
      await this.assertAssignable(project, input.assigneeId)
    }
    await this.claimVersion(task, input.version)
    const before = this.snapshot(task)
    const previousAssignee = task.assigneeId
    task.merge({
      title: input.title,
      description: input.description ?? null,
      priority: input.priority ?? task.priority,
      assigneeId: input.assigneeId ?? null,
      startAt: start.at,
      startHasTime: start.hasTime,
      dueAt: due.at,
      dueHasTime: due.hasTime,
      version: input.version + 1,
    })
    await task.save()
    await this.syncLabels(task, input.labels)
    if (input.collaboratorIds) await this.syncCollaborators(task, input.collaboratorIds)
    await ActivityFeed.record({
      companyId: task.companyId,
      projectId: task.projectId,
      taskId: task.id,
      actorId: actor.id,
      verb: 'task.updated',
      data: { title: task.title },
    })
    if (task.assigneeId && task.assigneeId !== previousAssignee) await this.assigned(task, actor)
    if (input.statusId && input.statusId !== task.statusId) {
      await this.move(task, input.statusId, actor)
    }
    await AuditLog.record({
      entityType: 'task',
      entityId: task.id,
      action: 'collaboration.task_updated',
      before,
      after: this.snapshot(task),
      actor,
    })
    return task
  }

  /**
   * Moves a task to a status. Moving it where it already is changes
   * nothing (a double-submitted drop, a retried request): no activity, no
   * audit row. Returns whether it moved.
   */
  async move(task: Task, statusId: number, actor: User) {
    const project = await this.project(task)
    ProjectAccess.assertEditTasks(project, actor)
    const statuses = await TaskStatuses.forCompany(task.companyId)
    const to = this.statusOf(statuses, statusId)
    // Conditional update: of two identical requests racing, one moves.
    const moved = await db
      .from('tasks')
      .where('id', task.id)
      .whereNot('status_id', to.id)
      .update({
        status_id: to.id,
        completed_at: to.isDone ? toDbTime(DateTime.utc(), db.connection()) : null,
        version: db.raw('version + 1'),
        updated_at: toDbTime(DateTime.utc(), db.connection()),
      })
    const count = Array.isArray(moved) ? Number(moved[0] ?? 0) : Number(moved)
    if (!count) return false
    const from = statuses.find((s) => s.id === task.statusId)
    await task.refresh()
    await ActivityFeed.record({
      companyId: task.companyId,
      projectId: task.projectId,
      taskId: task.id,
      actorId: actor.id,
      verb: 'task.status_changed',
      data: { title: task.title, from: from?.name ?? null, to: to.name, toKey: to.key },
    })
    await AuditLog.record({
      entityType: 'task',
      entityId: task.id,
      action: 'collaboration.task_moved',
      before: { status: from?.key ?? null },
      after: { status: to.key },
      actor,
    })
    return true
  }

  /** Moves the task to the first "done" status. */
  async complete(task: Task, actor: User) {
    const statuses = await TaskStatuses.forCompany(task.companyId)
    const done = statuses.find((s) => s.isDone)!
    return this.move(task, done.id, actor)
  }

  async addChecklistItem(task: Task, title: string, actor: User) {
    ProjectAccess.assertEditTasks(await this.project(task), actor)
    const last = await TaskChecklistItem.query()
      .where('taskId', task.id)
      .max('position as top')
      .first()
    return TaskChecklistItem.create({
      taskId: task.id,
      title,
      isDone: false,
      position: Number(last?.$extras.top ?? 0) + 1,
    })
  }

  /** Sets an item done or not done; setting what it already is changes nothing. */
  async setChecklistItem(task: Task, itemId: number, done: boolean, actor: User) {
    ProjectAccess.assertEditTasks(await this.project(task), actor)
    const item = await TaskChecklistItem.query()
      .where({ id: itemId, taskId: task.id })
      .firstOrFail()
    if (item.isDone === done) return item
    item.merge({
      isDone: done,
      doneAt: done ? DateTime.utc() : null,
      doneById: done ? actor.id : null,
    })
    await item.save()
    await ActivityFeed.record({
      companyId: task.companyId,
      projectId: task.projectId,
      taskId: task.id,
      actorId: actor.id,
      verb: done ? 'checklist.checked' : 'checklist.unchecked',
      data: { title: task.title, item: item.title },
    })
    return item
  }

  async watch(task: Task, userId: number) {
    const exists = await db
      .from('task_watchers')
      .where({ task_id: task.id, user_id: userId })
      .first()
    if (!exists) await db.table('task_watchers').insert({ task_id: task.id, user_id: userId })
  }

  async unwatch(task: Task, userId: number) {
    await db.from('task_watchers').where({ task_id: task.id, user_id: userId }).delete()
  }

  private async assigned(task: Task, actor: User, notify = true) {
    const assignee = await User.find(task.assigneeId!)
    await this.watch(task, task.assigneeId!)
    await ActivityFeed.record({
      companyId: task.companyId,
      projectId: task.projectId,
      taskId: task.id,
      actorId: actor.id,
      verb: 'task.assigned',
      data: { title: task.title, assignee: assignee?.fullName ?? null },
    })
    if (!notify) return
    await new NotifyStaff().task({
      companyId: task.companyId,
      kind: 'task.assigned',
      userIds: [task.assigneeId!],
      actorId: actor.id,
      task,
      titleKey: 'assigned',
      actorName: actor.fullName,
    })
  }

  private async claimVersion(task: Task, version: number) {
    const claimed = await db
      .from('tasks')
      .where({ id: task.id, version })
      .update({ version: version + 1 })
    const count = Array.isArray(claimed) ? Number(claimed[0] ?? 0) : Number(claimed)
    if (count) return
    const last = await Activity.query()
      .where('taskId', task.id)
      .preload('actor')
      .orderBy('id', 'desc')
      .first()
    throw new DomainError('E_TASK_CHANGED', 'collaboration.errors.task_changed', 409, {
      by: last?.actor?.fullName ?? '?',
    })
  }

  private async assertAssignable(project: Project, userId: number) {
    const user = await User.query().where('id', userId).whereNull('disabledAt').first()
    if (!user || !user.can('tasks.view')) {
      throw new DomainError('E_BAD_ASSIGNEE', 'collaboration.errors.bad_assignee', 422)
    }
    if (project.isPrivate && !ProjectAccess.isAdmin(user)) {
      await project.load('members')
      if (!ProjectAccess.isMember(project, user)) {
        throw new DomainError('E_NOT_MEMBER', 'collaboration.errors.assignee_not_member', 422)
      }
    }
  }

  private statusOf(statuses: TaskStatus[], statusId: number) {
    const status = statuses.find((s) => s.id === statusId)
    if (!status) throw new DomainError('E_BAD_STATUS', 'collaboration.errors.bad_status', 422)
    return status
  }

  private async project(task: Task) {
    if (task.$preloaded.project) return task.project
    const project = await Project.query()
      .where('id', task.projectId)
      .preload('members')
      .firstOrFail()
    return project
  }

  private async syncLabels(task: Task, labels: string | null | undefined) {
    if (labels === undefined) return
    const names = [
      ...new Set(
        (labels ?? '')
          .split(/[,，]/)
          .map((name) => name.trim().slice(0, 40))
          .filter(Boolean)
      ),
    ]
    const ids: number[] = []
    for (const name of names) {
      const label = await TaskLabel.firstOrCreate({ companyId: task.companyId, name })
      ids.push(label.id)
    }
    await task.related('labels').sync(ids)
  }

  private async syncCollaborators(task: Task, userIds: number[]) {
    const users = userIds.length
      ? await User.query()
          .whereIn('id', [...new Set(userIds)])
          .select('id')
      : []
    await task.related('collaborators').sync(users.map((u) => u.id))
  }

  private snapshot(task: Task) {
    return {
      title: task.title,
      statusId: task.statusId,
      priority: task.priority,
      assigneeId: task.assigneeId,
      startAt: task.startAt?.toISO() ?? null,
      dueAt: task.dueAt?.toISO() ?? null,
    }
  }
}
