import { DateTime } from 'luxon'
import type User from '#app/identity/models/user'
import type Project from '#app/collaboration/models/project'
import Task from '#app/collaboration/models/task'
import { TaskStatuses } from '#app/collaboration/actions/task_statuses'
import { ProjectAccess } from '#app/collaboration/actions/project_access'
import db from '@adonisjs/lucid/services/db'
import { toDbTime } from '#app/shared/kernel/db_values'

export interface BurndownDay {
  date: string
  /** Open tasks at the end of that day (null for days still to come). */
  remaining: number | null
  /** The straight line from all tasks at the start to none at the end. */
  ideal: number
}

export interface TimelineBar {
  task: Task
  /** Percent offsets of the bar within the timeline. */
  left: number
  width: number
  late: boolean
  blockedBy: number[]
}

/** 燃尽图 and 时间线 of a project; 工作量 of the team. Days are calendar days in the company zone. */
export class ProjectCharts {
  constructor(private zone: string) {}

  /**
   * Open tasks at the end of each day, from the project's start (or its
   * first task) to its end (or today). A task counts from the day it was
   * created until the day it was completed.
   */
  async burndown(project: Project, now: DateTime = DateTime.utc()): Promise<BurndownDay[]> {
    const tasks = await Task.query()
      .where('projectId', project.id)
      .select('id', 'createdAt', 'completedAt')
    const today = now.setZone(this.zone).startOf('day')
    const firstCreated = tasks.reduce<DateTime | null>(
      (min, t) => (!min || t.createdAt < min ? t.createdAt : min),
      null
    )
    const startCandidates: DateTime[] = []
    if (project.startsOn) {
      startCandidates.push(DateTime.fromISO(project.startsOn.toISODate()!, { zone: this.zone }))
    }
    if (firstCreated) startCandidates.push(firstCreated.setZone(this.zone).startOf('day'))
    const start = startCandidates.length
      ? (DateTime.min(...startCandidates) as DateTime).startOf('day')
      : today
    const end = project.endsOn
      ? DateTime.fromISO(project.endsOn.toISODate()!, { zone: this.zone })
      : today
    const last = end < start ? start : end
    const days: BurndownDay[] = []
    const span = Math.min(Math.round(last.diff(start, 'days').days), 365)
    const total = tasks.length
    for (let i = 0; i <= span; i++) {
      const day = start.plus({ days: i })
      const endOfDay = day.endOf('day')
      const remaining =
        day > today
          ? null
          : tasks.filter(
              (t) => t.createdAt <= endOfDay && (!t.completedAt || t.completedAt > endOfDay)
            ).length
      days.push({
        date: day.toISODate()!,
        remaining,
        ideal: span === 0 ? 0 : Math.round((total * (span - i) * 10) / span) / 10,
      })
    }
    return days
  }

  /** Bars from start (or due) to due per task, with what blocks them. */
  async timeline(project: Project, now: DateTime = DateTime.utc()) {
    const doneIds = await TaskStatuses.doneIds(project.companyId)
    const tasks = await Task.query()
      .where('projectId', project.id)
      .whereNotNull('dueAt')
      .preload('assignee')
      .orderBy('dueAt')
      .orderBy('id')
    const deps = await db
      .from('task_dependencies')
      .whereIn(
        'task_id',
        tasks.map((t) => t.id)
      )
      .select('task_id', 'blocked_by_id')
    const startOf = (t: Task) => (t.startAt ?? t.dueAt!).setZone(this.zone).startOf('day')
    const endOf = (t: Task) => t.dueAt!.setZone(this.zone).endOf('day')
    if (tasks.length === 0) return { from: null, to: null, bars: [] as TimelineBar[] }
    const from = DateTime.min(...tasks.map(startOf))!
    const to = DateTime.max(...tasks.map(endOf))!
    const length = Math.max(to.diff(from).as('milliseconds'), 1)
    const bars = tasks.map((task): TimelineBar => {
      const left = (startOf(task).diff(from).as('milliseconds') / length) * 100
      const width = Math.max((endOf(task).diff(startOf(task)).as('milliseconds') / length) * 100, 1)
      return {
        task,
        left: Math.round(left * 10) / 10,
        width: Math.round(width * 10) / 10,
        late: !doneIds.has(task.statusId) && task.dueAt! < now,
        blockedBy: deps
          .filter((d: any) => Number(d.task_id) === task.id)
          .map((d: any) => Number(d.blocked_by_id)),
      }
    })
    return { from: from.toISODate(), to: to.toISODate(), bars }
  }

  /** 工作量: open tasks due per person per day over the next `days` days (visible projects only). */
  async workload(companyId: number, viewer: User, days = 14, now: DateTime = DateTime.utc()) {
    const doneIds = [...(await TaskStatuses.doneIds(companyId))]
    const start = now.setZone(this.zone).startOf('day')
    const end = start.plus({ days: days - 1 }).endOf('day')
    const tasks = await Task.query()
      .where('companyId', companyId)
      .whereIn('projectId', ProjectAccess.visibleProjectIds(companyId, viewer))
      .whereNotNull('assigneeId')
      .whereNotIn('statusId', doneIds.length ? doneIds : [0])
      .where('dueAt', '>=', toDbTime(start, db.connection())!)
      .where('dueAt', '<=', toDbTime(end, db.connection())!)
      .select('id', 'assigneeId', 'dueAt')
    const dates = Array.from({ length: days }, (_, i) => start.plus({ days: i }).toISODate()!)
    const counts = new Map<number, Map<string, number>>()
    for (const task of tasks) {
      const date = task.dueAt!.setZone(this.zone).toISODate()!
      const row = counts.get(task.assigneeId!) ?? new Map<string, number>()
      row.set(date, (row.get(date) ?? 0) + 1)
      counts.set(task.assigneeId!, row)
    }
    return { dates, counts }
  }
}
