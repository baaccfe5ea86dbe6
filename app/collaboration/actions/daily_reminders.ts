import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import User from '#app/identity/models/user'
import Task from '#app/collaboration/models/task'
import { NotifyStaff } from '#app/collaboration/actions/notify_staff'
import { TaskStatuses } from '#app/collaboration/actions/task_statuses'
import { TaskDependencies } from '#app/collaboration/actions/task_dependencies'
import { toDbTime } from '#app/shared/kernel/db_values'

/**
 * The morning run: "due today" to each assignee, "a blocker is late" to
 * the assignee of a blocked task, and a digest per person (due today,
 * overdue). Every notification carries a key with the date, so running it
 * twice on one day sends nothing new.
 */
export class DailyReminders {
  async handle(companyId: number, zone: string, now: DateTime = DateTime.utc()) {
    const doneIds = [...(await TaskStatuses.doneIds(companyId))]
    const open = doneIds.length ? doneIds : [0]
    const today = now.setZone(zone).startOf('day')
    const date = today.toISODate()!
    const t = (value: DateTime) => toDbTime(value, db.connection())!
    const notify = new NotifyStaff()
    const counts = { dueSoon: 0, blockerLate: 0, digests: 0 }

    const dueToday = await Task.query()
      .where('companyId', companyId)
      .whereNotNull('assigneeId')
      .whereNotIn('statusId', open)
      .where('dueAt', '>=', t(today))
      .where('dueAt', '<=', t(today.endOf('day')))
    for (const task of dueToday) {
      const sent = await notify.task({
        companyId,
        kind: 'task.due_soon',
        userIds: [task.assigneeId!],
        actorId: null,
        task,
        titleKey: 'due_soon',
        actorName: '',
        dedupeKey: `due_soon:${task.id}:${date}`,
      })
      counts.dueSoon += sent.length
    }

    const blocked = await Task.query()
      .where('companyId', companyId)
      .whereNotNull('assigneeId')
      .whereNotIn('statusId', open)
      .whereIn('id', db.from('task_dependencies').select('task_id'))
    const late = await TaskDependencies.lateBlockers(
      companyId,
      blocked.map((task) => task.id),
      now
    )
    for (const task of blocked) {
      const titles = late.get(task.id)
      if (!titles) continue
      const sent = await notify.task({
        companyId,
        kind: 'task.blocker_late',
        userIds: [task.assigneeId!],
        actorId: null,
        task,
        titleKey: 'blocker_late',
        actorName: '',
        body: titles.join('、'),
        dedupeKey: `blocker_late:${task.id}:${date}`,
      })
      counts.blockerLate += sent.length
    }

    const rows = await db
      .from('tasks')
      .where('company_id', companyId)
      .whereNotNull('assignee_id')
      .whereNotIn('status_id', open)
      .where('due_at', '<=', t(today.endOf('day')))
      .groupBy('assignee_id')
      .select('assignee_id')
      .select(
        db.raw('sum(case when due_at >= ? then 1 else 0 end) as due_today', [t(today)]),
        db.raw('sum(case when due_at < ? then 1 else 0 end) as overdue', [t(today)])
      )
    for (const row of rows) {
      const user = await User.query().where('id', row.assignee_id).whereNull('disabledAt').first()
      if (!user) continue
      const sent = await notify.digest(companyId, user, {
        date,
        dueToday: Number(row.due_today ?? 0),
        overdue: Number(row.overdue ?? 0),
      })
      if (sent) counts.digests++
    }
    return counts
  }
}
