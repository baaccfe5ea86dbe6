import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { DateTime } from 'luxon'
import StaffNotification from '#app/collaboration/models/staff_notification'
import { DailyReminders } from '#app/collaboration/actions/daily_reminders'
import { TaskDependencies } from '#app/collaboration/actions/task_dependencies'
import {
  staffNotifiers,
  type StaffNotification as Delivered,
} from '#app/shared/notifications/staff_notifiers'
import { dailyRemindersJob } from '#app/collaboration/jobs/daily_reminders_job'
import queue from '#app/shared/queue/queue'
import { createStaff } from '#tests/support/staff'
import { ZONE, addTask, projectOf } from '#tests/functional/collaboration/fixtures'

test.group('Collaboration / daily reminders', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())
  const delivered: Delivered[] = []
  group.setup(() => {
    staffNotifiers.register({
      id: 'reminder-collector',
      accepts: (kind) => kind === 'digest.daily' || kind.startsWith('task.'),
      deliver: async (n) => {
        delivered.push(n)
      },
    })
    return () => staffNotifiers.unregister('reminder-collector')
  })

  test('due today, a late blocker and the digest — once, however often it runs', async ({
    assert,
  }) => {
    delivered.length = 0
    const manager = await createStaff('manager')
    const operator = await createStaff('operator')
    const { project, company } = await projectOf(manager)
    const now = DateTime.fromISO('2026-12-01T08:00:00', { zone: ZONE })
    const today = await addTask(project, manager, {
      title: '直播脚本',
      assigneeId: operator.id,
      dueDate: '2026-12-01',
    })
    const blocker = await addTask(project, manager, { title: '样品寄送', dueDate: '2026-11-30' })
    const blocked = await addTask(project, manager, {
      title: '直播彩排',
      assigneeId: operator.id,
      dueDate: '2026-12-03',
    })
    await new TaskDependencies().add(blocked, blocker.id, manager)
    await addTask(project, manager, {
      title: '旧事',
      assigneeId: operator.id,
      dueDate: '2026-11-20',
    })
    await StaffNotification.query().delete()
    delivered.length = 0

    const first = await new DailyReminders().handle(company.id, ZONE, now)
    assert.deepEqual(first, { dueSoon: 1, blockerLate: 1, digests: 1 })
    const rows = await StaffNotification.query().where('userId', operator.id).orderBy('id')
    assert.deepEqual(
      rows.map((n) => [n.kind, n.taskId]),
      [
        ['task.due_soon', today.id],
        ['task.blocker_late', blocked.id],
        ['digest.daily', null],
      ]
    )
    assert.equal(rows[2].title, '2026-12-01：今天到期 1 项，逾期 1 项')
    assert.sameMembers(
      delivered.map((n) => n.kind),
      ['task.due_soon', 'task.blocker_late', 'digest.daily']
    )

    const again = await new DailyReminders().handle(company.id, ZONE, now)
    assert.deepEqual(again, { dueSoon: 0, blockerLate: 0, digests: 0 })
    assert.lengthOf(await StaffNotification.query().where('userId', operator.id), 3)
  })

  test('the job is registered and scheduled every morning', async ({ assert }) => {
    await import('#start/jobs')
    assert.deepInclude(queue.schedules, {
      name: dailyRemindersJob.name,
      cron: '0 8 * * *',
      tz: 'Asia/Shanghai',
    })
  })
})
