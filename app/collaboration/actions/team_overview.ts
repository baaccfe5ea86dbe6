import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import User from '#app/identity/models/user'
import { ProjectAccess } from '#app/collaboration/actions/project_access'
import { TaskStatuses } from '#app/collaboration/actions/task_statuses'
import { toDbTime } from '#app/shared/kernel/db_values'

export interface PersonToday {
  user: User
  doneToday: number
  dueToday: number
  overdue: number
}

/**
 * 团队: each person's execution today — tasks finished today, open tasks
 * due today, open tasks overdue — counting only projects the viewer may see.
 */
export class TeamOverview {
  async handle(companyId: number, viewer: User, zone: string, now: DateTime = DateTime.utc()) {
    const doneIds = [...(await TaskStatuses.doneIds(companyId))]
    const doneList = doneIds.length ? doneIds.join(',') : '0'
    const start = now.setZone(zone).startOf('day')
    const end = start.endOf('day')
    const t = (value: DateTime) => toDbTime(value, db.connection())!
    const rows = await db
      .from('tasks')
      .where('company_id', companyId)
      .whereNotNull('assignee_id')
      .whereIn('project_id', ProjectAccess.visibleProjectIds(companyId, viewer))
      .groupBy('assignee_id')
      .select('assignee_id')
      .select(
        db.raw(
          `sum(case when status_id in (${doneList}) and completed_at >= ? then 1 else 0 end) as done_today`,
          [t(start)]
        ),
        db.raw(
          `sum(case when status_id not in (${doneList}) and due_at >= ? and due_at <= ? then 1 else 0 end) as due_today`,
          [t(start), t(end)]
        ),
        db.raw(
          `sum(case when status_id not in (${doneList}) and due_at < ? then 1 else 0 end) as overdue`,
          [t(start)]
        )
      )
    const byUser = new Map(rows.map((r: any) => [Number(r.assignee_id), r]))
    const users = await User.query().whereNull('disabledAt').orderBy('fullName')
    return users
      .filter((user) => user.can('tasks.view'))
      .map((user): PersonToday => ({
        user,
        doneToday: Number(byUser.get(user.id)?.done_today ?? 0),
        dueToday: Number(byUser.get(user.id)?.due_today ?? 0),
        overdue: Number(byUser.get(user.id)?.overdue ?? 0),
      }))
  }
}
