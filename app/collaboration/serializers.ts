import type Project from '#app/collaboration/models/project'
import type Task from '#app/collaboration/models/task'
import type TaskStatus from '#app/collaboration/models/task_status'
import type PlaybookTemplate from '#app/collaboration/models/playbook_template'
import type { Progress } from '#app/collaboration/actions/task_queries'

/** What /api/v1 returns for collaboration resources: explicit fields only. */
export function serializeProject(project: Project, progress?: Progress) {
  return {
    id: project.id,
    name: project.name,
    ownerId: project.ownerId,
    shopId: project.shopId,
    status: project.status,
    isPrivate: project.isPrivate,
    startsOn: project.startsOn?.toISODate() ?? null,
    endsOn: project.endsOn?.toISODate() ?? null,
    templateId: project.templateId,
    templateVersion: project.templateVersion,
    anchorDate: project.anchorDate?.toISODate() ?? null,
    progress: progress ?? null,
    createdAt: project.createdAt.toISO(),
  }
}

export function serializeTask(task: Task, statuses: TaskStatus[], zone: string) {
  const status = statuses.find((s) => s.id === task.statusId)
  return {
    id: task.id,
    projectId: task.projectId,
    title: task.title,
    description: task.description,
    status: status?.key ?? null,
    done: status?.isDone ?? false,
    priority: task.priority,
    assigneeId: task.assigneeId,
    /** The due day in the company zone, and the exact instant (UTC). */
    dueDate: task.dueAt?.setZone(zone).toISODate() ?? null,
    dueTime: task.dueAt && task.dueHasTime ? task.dueAt.setZone(zone).toFormat('HH:mm') : null,
    dueAt: task.dueAt?.toISO() ?? null,
    startAt: task.startAt?.toISO() ?? null,
    completedAt: task.completedAt?.toISO() ?? null,
    labels: task.$preloaded.labels ? task.labels.map((l) => l.name) : undefined,
    version: task.version,
  }
}

export function serializeTemplate(template: PlaybookTemplate) {
  return {
    id: template.id,
    name: template.name,
    category: template.category,
    shopSize: template.shopSize,
    builtin: !!template.builtinKey,
    version: template.version,
    lineageId: template.lineageId,
    tasks: Number(template.$extras.tasks_count ?? 0),
  }
}
