import db from '@adonisjs/lucid/services/db'
import TaskStatus from '#app/collaboration/models/task_status'
import { AuditLog, type AuditActor } from '#app/shared/audit/audit_log'
import { DomainError } from '#app/shared/errors/domain_error'

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

  /** A new column at the end (or before the first done one when it is not done). */
  static async add(
    companyId: number,
    input: { key: string; name: string; isDone: boolean },
    actor: AuditActor
  ) {
    const statuses = await TaskStatuses.forCompany(companyId)
    if (statuses.some((s) => s.key === input.key)) {
      throw new DomainError('E_STATUS_EXISTS', 'collaboration.errors.status_exists', 422)
    }
    const firstDone = statuses.find((s) => s.isDone)
    const position =
      !input.isDone && firstDone ? firstDone.position - 1 : (statuses.at(-1)?.position ?? 0) + 10
    const status = await TaskStatus.create({ companyId, ...input, position })
    await AuditLog.record({
      entityType: 'task_status',
      entityId: status.id,
      action: 'collaboration.status_created',
      after: { key: status.key, name: status.name, isDone: status.isDone },
      actor,
    })
    return status
  }

  /** Renames a status or changes whether it counts as done; one done status must remain. */
  static async update(
    companyId: number,
    statusId: number,
    input: { name: string; isDone: boolean },
    actor: AuditActor
  ) {
    const statuses = await TaskStatuses.forCompany(companyId)
    const status = statuses.find((s) => s.id === statusId)
    if (!status) throw new DomainError('E_BAD_STATUS', 'collaboration.errors.bad_status', 422)
    if (status.isDone && !input.isDone && statuses.filter((s) => s.isDone).length === 1) {
      throw new DomainError('E_LAST_DONE', 'collaboration.errors.last_done_status', 422)
    }
    const before = { name: status.name, isDone: status.isDone }
    status.merge(input)
    await status.save()
    await AuditLog.record({
      entityType: 'task_status',
      entityId: status.id,
      action: 'collaboration.status_updated',
      before,
      after: input,
      actor,
    })
    return status
  }
}
