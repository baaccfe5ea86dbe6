import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type User from '#app/identity/models/user'
import Task from '#app/collaboration/models/task'
import { ProjectAccess } from '#app/collaboration/actions/project_access'
import { TaskStatuses } from '#app/collaboration/actions/task_statuses'
import { TaskDependencies } from '#app/collaboration/actions/task_dependencies'
import { toDbTime } from '#app/shared/kernel/db_values'

/** A Luxon time as the connected dialect stores it, for comparisons in SQL. */
const sql = (value: DateTime) => toDbTime(value, db.connection())!

export interface TaskFilters {
  assignee?: number
  label?: number
  status?: number
  project?: number
  dueFrom?: string
  dueTo?: string
  open?: boolean
}

export interface Progress {
  tasks: number
  tasksDone: number
  items: number
  itemsDone: number
  overdue: number
}

/**
 * The columns a board card or a My Day row shows. Hydrating a model costs
 * far more than reading the row (every timestamp is parsed into a Luxon
 * DateTime), so these views leave out the description and the bookkeeping
 * timestamps they never show.
 */
const CARD_COLUMNS = [
  'tasks.id',
  'tasks.company_id',
  'tasks.project_id',
  'tasks.title',
  'tasks.status_id',
  'tasks.priority',
  'tasks.assignee_id',
  'tasks.due_at',
  'tasks.due_has_time',
  'tasks.completed_at',
  'tasks.position',
  'tasks.version',
]

/** The named reads of collaboration: My Day, the board, the list, progress. */
export class TaskQueries {
  constructor(
    private companyId: number,
    private user: User,
    private zone: string
  ) {}

  private visible() {
    return Task.query()
      .where('tasks.company_id', this.companyId)
      .whereIn('tasks.project_id', ProjectAccess.visibleProjectIds(this.companyId, this.user))
  }

  /**
   * 我的一天: my open tasks that are overdue (due before today), due today,
   * or due in the next 7 days, in the company zone.
   */
  async myDay(now: DateTime = DateTime.utc()) {
    const doneIds = [...(await TaskStatuses.doneIds(this.companyId))]
    const today = now.setZone(this.zone).startOf('day')
    const endOfToday = today.endOf('day')
    const horizon = today.plus({ days: 7 }).endOf('day')
    const tasks = await this.visible()
      .select(CARD_COLUMNS)
      .where((q) =>
        q
          .where('tasks.assignee_id', this.user.id)
          .orWhereIn(
            'tasks.id',
            db
              .from('task_collaborators')
              .where('task_collaborators.user_id', this.user.id)
              .select('task_collaborators.task_id')
          )
      )
      .whereNotIn('tasks.status_id', doneIds)
      .whereNotNull('tasks.due_at')
      .where('tasks.due_at', '<=', sql(horizon))
      .preload('project')
      .preload('status')
      .orderBy('tasks.due_at')
      .orderBy('tasks.priority', 'desc')
      .limit(300)
    const overdue = tasks.filter((t) => t.dueAt! < today)
    const dueToday = tasks.filter((t) => t.dueAt! >= today && t.dueAt! <= endOfToday)
    const upcoming = tasks.filter((t) => t.dueAt! > endOfToday)
    const doneToday = await this.visible()
      .select(CARD_COLUMNS)
      .where('tasks.assignee_id', this.user.id)
      .whereIn('tasks.status_id', doneIds)
      .where('tasks.completed_at', '>=', sql(today))
      .preload('project')
      .orderBy('tasks.completed_at', 'desc')
      .limit(50)
    return { today: today.toISODate()!, overdue, dueToday, upcoming, doneToday }
  }

  /** The board of one project: its statuses as columns, its tasks as cards. */
  async board(projectId: number) {
    const statuses = await TaskStatuses.forCompany(this.companyId)
    const tasks = await this.visible()
      .select(CARD_COLUMNS)
      .where('tasks.project_id', projectId)
      .preload('assignee')
      .preload('labels')
      .orderBy('tasks.position')
      .orderBy('tasks.id')
    // One grouped query for the checklist counts rather than two subqueries per card.
    const ids = tasks.map((t) => t.id)
    const counts = new Map<number, { items: number; done: number }>()
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await db
        .from('task_checklist_items')
        .whereIn('task_id', ids.slice(i, i + 500))
        .groupBy('task_id')
        .select('task_id')
        .count('* as items')
        .select(db.raw('sum(case when is_done then 1 else 0 end) as done'))
      for (const row of rows) {
        counts.set(Number(row.task_id), { items: Number(row.items), done: Number(row.done ?? 0) })
      }
    }
    for (const task of tasks) {
      const count = counts.get(task.id)
      task.$extras.items = count?.items ?? 0
      task.$extras.itemsDone = count?.done ?? 0
    }
    const late = await TaskDependencies.lateBlockers(
      this.companyId,
      tasks.map((t) => t.id)
    )
    const byStatus = new Map<number, Task[]>()
    for (const task of tasks) {
      const column = byStatus.get(task.statusId)
      if (column) column.push(task)
      else byStatus.set(task.statusId, [task])
    }
    return statuses.map((status) => ({
      status,
      tasks: byStatus.get(status.id) ?? [],
      /** task id → titles of its late blockers */
      late,
    }))
  }

  /** The filtered task list (at most 200 rows, soonest due first). */
  list(filters: TaskFilters) {
    const query = this.visible()
      .preload('project')
      .preload('status')
      .preload('assignee')
      .preload('labels')
    if (filters.assignee) query.where('tasks.assignee_id', filters.assignee)
    if (filters.status) query.where('tasks.status_id', filters.status)
    if (filters.project) query.where('tasks.project_id', filters.project)
    if (filters.label) {
      query.whereExists((sub) =>
        sub
          .from('task_label_assignments')
          .whereColumn('task_label_assignments.task_id', 'tasks.id')
          .where('task_label_assignments.label_id', filters.label!)
      )
    }
    if (filters.dueFrom) {
      const from = DateTime.fromISO(filters.dueFrom, { zone: this.zone }).startOf('day')
      query.where('tasks.due_at', '>=', sql(from))
    }
    if (filters.dueTo) {
      const to = DateTime.fromISO(filters.dueTo, { zone: this.zone }).endOf('day')
      query.where('tasks.due_at', '<=', sql(to))
    }
    return query
      .orderByRaw('case when tasks.due_at is null then 1 else 0 end')
      .orderBy('tasks.due_at')
      .orderBy('tasks.id')
      .limit(200)
  }

  /** Progress of projects: tasks done / all, checklist items done / all, overdue. */
  async progress(projectIds: number[], now: DateTime = DateTime.utc()) {
    const result = new Map<number, Progress>()
    for (const id of projectIds) {
      result.set(id, { tasks: 0, tasksDone: 0, items: 0, itemsDone: 0, overdue: 0 })
    }
    if (projectIds.length === 0) return result
    const doneIds = [...(await TaskStatuses.doneIds(this.companyId))]
    const doneList = doneIds.length ? doneIds.join(',') : '0'
    const tasks = await db
      .from('tasks')
      .whereIn('project_id', projectIds)
      .groupBy('project_id')
      .select('project_id')
      .count('* as total')
      .select(db.raw(`sum(case when status_id in (${doneList}) then 1 else 0 end) as done`))
      .select(
        db.raw(
          `sum(case when status_id not in (${doneList}) and due_at < ? then 1 else 0 end) as overdue`,
          [sql(now)]
        )
      )
    for (const row of tasks) {
      const p = result.get(Number(row.project_id))!
      p.tasks = Number(row.total)
      p.tasksDone = Number(row.done ?? 0)
      p.overdue = Number(row.overdue ?? 0)
    }
    const items = await db
      .from('task_checklist_items')
      .join('tasks', 'tasks.id', 'task_checklist_items.task_id')
      .whereIn('tasks.project_id', projectIds)
      .groupBy('tasks.project_id')
      .select('tasks.project_id')
      .count('* as total')
      .select(db.raw('sum(case when task_checklist_items.is_done then 1 else 0 end) as done'))
    for (const row of items) {
      const p = result.get(Number(row.project_id))!
      p.items = Number(row.total)
      p.itemsDone = Number(row.done ?? 0)
    }
    return result
  }
}

/** Whole percent, 0 when there is nothing to count. */
export function percent(done: number, total: number) {
  return total ? Math.round((done / total) * 100) : 0
}
