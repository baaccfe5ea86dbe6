import db from '@adonisjs/lucid/services/db'
import TaskStatus from '#app/collaboration/models/task_status'

/** The statuses every company starts with; a company may rename and add its own. */
export const DEFAULT_STATUSES = [
  { key: 'todo', name: '待办', position: 10, isDone: false },
  { key: 'doing', name: '进行中', position: 20, isDone: false },
  { key: 'review', name: '待审核', position: 30, isDone: false },
  { key: 'done', name: '已完成', position: 40, isDone: true },
] as const

/** The board's columns of a company, created with the defaults on first use. */
export class TaskStatuses {
  static async forCompany(companyId: number): Promise<TaskStatus[]> {
    let statuses = await TaskStatus.query().where('companyId', companyId).orderBy('position')
    if (statuses.length === 0) {
      // Two first requests may race here: the unique key keeps one set.
      await db
        .table('task_statuses')
        .insert(
          DEFAULT_STATUSES.map((s) => ({
            company_id: companyId,
            key: s.key,
            name: s.name,
            position: s.position,
            is_done: s.isDone,
          }))
        )
        .onConflict(['company_id', 'key'])
        .ignore()
      statuses = await TaskStatus.query().where('companyId', companyId).orderBy('position')
    }
    return statuses
  }

  static async doneIds(companyId: number) {
    const statuses = await TaskStatuses.forCompany(companyId)
    return new Set(statuses.filter((s) => s.isDone).map((s) => s.id))
  }

  static async add(companyId: number, input: { key: string; name: string; isDone: boolean }) {
    const statuses = await TaskStatuses.forCompany(companyId)
    const last = statuses.at(-1)?.position ?? 0
    return TaskStatus.create({ companyId, ...input, position: last + 10 })
  }
}
