import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type User from '#app/identity/models/user'
import Task from '#app/collaboration/models/task'
import Project from '#app/collaboration/models/project'
import { ActivityFeed } from '#app/collaboration/actions/activity_feed'
import { ProjectAccess } from '#app/collaboration/actions/project_access'
import { TaskStatuses } from '#app/collaboration/actions/task_statuses'
import { AuditLog } from '#app/shared/audit/audit_log'
import { DomainError } from '#app/shared/errors/domain_error'

/**
 * 前置任务: "blocked by" between tasks of one project. A dependency that
 * would close a circle is refused. A blocker that is not done and past its
 * due time is "late": its dependants show a warning.
 */
export class TaskDependencies {
  async add(task: Task, blockerId: number, actor: User) {
    const project = await Project.query()
      .where('id', task.projectId)
      .preload('members')
      .firstOrFail()
    ProjectAccess.assertEditTasks(project, actor)
    const blocker = await Task.query().where({ id: blockerId, projectId: task.projectId }).first()
    if (!blocker || blocker.id === task.id) {
      throw new DomainError('E_BAD_BLOCKER', 'collaboration.errors.bad_blocker', 422)
    }
    if (await this.reaches(blocker.id, task.id)) {
      throw new DomainError('E_CIRCULAR', 'collaboration.errors.circular', 422, {
        title: blocker.title,
      })
    }
    const exists = await db
      .from('task_dependencies')
      .where({ task_id: task.id, blocked_by_id: blocker.id })
      .first()
    if (exists) return false
    await db.table('task_dependencies').insert({ task_id: task.id, blocked_by_id: blocker.id })
    await ActivityFeed.record({
      companyId: task.companyId,
      projectId: task.projectId,
      taskId: task.id,
      actorId: actor.id,
      verb: 'task.blocker_added',
      data: { title: task.title, item: blocker.title },
    })
    await AuditLog.record({
      entityType: 'task',
      entityId: task.id,
      action: 'collaboration.blocker_added',
      context: { blockedById: blocker.id },
      actor,
    })
    return true
  }

  async remove(task: Task, blockerId: number, actor: User) {
    const project = await Project.query()
      .where('id', task.projectId)
      .preload('members')
      .firstOrFail()
    ProjectAccess.assertEditTasks(project, actor)
    const removed = await db
      .from('task_dependencies')
      .where({ task_id: task.id, blocked_by_id: blockerId })
      .delete()
    await AuditLog.record({
      entityType: 'task',
      entityId: task.id,
      action: 'collaboration.blocker_removed',
      context: { blockedById: blockerId },
      actor,
    })
    return removed
  }

  /** Whether `from` is (transitively) blocked by `target`. */
  private async reaches(from: number, target: number) {
    const seen = new Set<number>([from])
    let frontier = [from]
    while (frontier.length) {
      if (frontier.includes(target)) return true
      const rows = await db
        .from('task_dependencies')
        .whereIn('task_id', frontier)
        .select('blocked_by_id')
      frontier = rows.map((r: any) => Number(r.blocked_by_id)).filter((id) => !seen.has(id))
      for (const id of frontier) seen.add(id)
    }
    return false
  }

  /** The tasks blocking a task, with their statuses. */
  static blockersOf(taskId: number) {
    return Task.query()
      .whereIn('id', db.from('task_dependencies').where('task_id', taskId).select('blocked_by_id'))
      .preload('status')
      .preload('assignee')
      .orderBy('dueAt')
  }

  /** For each given task, its blockers that are not done and past due. */
  static async lateBlockers(companyId: number, taskIds: number[], now: DateTime = DateTime.utc()) {
    const result = new Map<number, string[]>()
    if (taskIds.length === 0) return result
    const doneIds = [...(await TaskStatuses.doneIds(companyId))]
    const rows = await db
      .from('task_dependencies')
      .join('tasks', 'tasks.id', 'task_dependencies.blocked_by_id')
      .whereIn('task_dependencies.task_id', taskIds)
      .whereNotIn('tasks.status_id', doneIds.length ? doneIds : [0])
      .whereNotNull('tasks.due_at')
      .select('task_dependencies.task_id', 'tasks.title', 'tasks.due_at')
    for (const row of rows) {
      const due =
        row.due_at instanceof Date
          ? DateTime.fromJSDate(row.due_at)
          : DateTime.fromSQL(String(row.due_at), { zone: 'utc' })
      if (due >= now) continue
      const id = Number(row.task_id)
      result.set(id, [...(result.get(id) ?? []), row.title])
    }
    return result
  }
}
