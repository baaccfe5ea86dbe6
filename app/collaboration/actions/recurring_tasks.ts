import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import User from '#app/identity/models/user'
import Project from '#app/collaboration/models/project'
import RecurringTask, { type Frequency } from '#app/collaboration/models/recurring_task'
import { ManageTasks } from '#app/collaboration/actions/manage_tasks'
import { ProjectAccess } from '#app/collaboration/actions/project_access'
import { AuditLog } from '#app/shared/audit/audit_log'
import { DomainError } from '#app/shared/errors/domain_error'

export interface RecurringInput {
  title: string
  assigneeId?: number | null
  frequency: Frequency
  weekday?: number | null
  monthDay?: number | null
  dueTime?: string | null
}

/** 重复任务: rules per project, and the job step that creates each day's occurrences. */
export class RecurringTasks {
  constructor(private zone: string) {}

  async create(project: Project, input: RecurringInput, actor: User) {
    ProjectAccess.assertEditTasks(project, actor)
    if (input.frequency === 'weekly' && !input.weekday) {
      throw new DomainError('E_BAD_RULE', 'collaboration.errors.bad_rule', 422)
    }
    if (input.frequency === 'monthly' && !input.monthDay) {
      throw new DomainError('E_BAD_RULE', 'collaboration.errors.bad_rule', 422)
    }
    const rule = await RecurringTask.create({
      companyId: project.companyId,
      projectId: project.id,
      title: input.title,
      assigneeId: input.assigneeId ?? null,
      frequency: input.frequency,
      weekday: input.frequency === 'weekly' ? input.weekday! : null,
      monthDay: input.frequency === 'monthly' ? input.monthDay! : null,
      dueTime: input.dueTime ?? null,
      active: true,
      createdById: actor.id,
    })
    await AuditLog.record({
      entityType: 'recurring_task',
      entityId: rule.id,
      action: 'collaboration.recurring_created',
      after: { title: rule.title, frequency: rule.frequency },
      actor,
    })
    return rule
  }

  async stop(project: Project, ruleId: number, actor: User) {
    ProjectAccess.assertEditTasks(project, actor)
    const rule = await RecurringTask.query()
      .where({ id: ruleId, projectId: project.id })
      .firstOrFail()
    rule.active = false
    await rule.save()
    await AuditLog.record({
      entityType: 'recurring_task',
      entityId: rule.id,
      action: 'collaboration.recurring_stopped',
      actor,
    })
  }

  /**
   * Creates today's occurrence of every active rule that has one, unless it
   * exists (a rule and a day are unique together): running twice creates
   * nothing new.
   */
  async generate(companyId: number, now: DateTime = DateTime.utc()) {
    const today = now.setZone(this.zone).startOf('day')
    const date = today.toISODate()!
    const rules = await RecurringTask.query().where({ companyId, active: true })
    let created = 0
    for (const rule of rules) {
      if (!rule.occursOn(today)) continue
      const exists = await db
        .from('tasks')
        .where({ recurring_task_id: rule.id })
        .where('occurrence_date', date)
        .first()
      if (exists) continue
      const project = await Project.query().where('id', rule.projectId).preload('members').first()
      const author = rule.createdById ? await User.find(rule.createdById) : null
      if (
        !project ||
        !author ||
        author.disabledAt ||
        !ProjectAccess.canEditTasks(project, author)
      ) {
        continue
      }
      await new ManageTasks(this.zone).create(
        project,
        {
          title: rule.title,
          assigneeId: rule.assigneeId,
          dueDate: date,
          dueTime: rule.dueTime,
          labels: '',
          recurrence: { ruleId: rule.id, date },
        },
        author
      )
      created++
    }
    return { created }
  }
}
