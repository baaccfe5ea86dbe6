import { DateTime } from 'luxon'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import Activity from '#app/collaboration/models/activity'
import type User from '#app/identity/models/user'
import { ProjectAccess } from '#app/collaboration/actions/project_access'
import { toDbTime } from '#app/shared/kernel/db_values'

export interface ActivityEntry {
  companyId: number
  projectId: number | null
  taskId?: number | null
  actorId: number | null
  verb: string
  data?: Record<string, unknown>
}

/** 动态: the team's feed of what happened, per project and team-wide. */
export class ActivityFeed {
  static record(entry: ActivityEntry, client?: TransactionClientContract) {
    return Activity.create(
      {
        companyId: entry.companyId,
        projectId: entry.projectId,
        taskId: entry.taskId ?? null,
        actorId: entry.actorId,
        verb: entry.verb,
        data: entry.data ?? {},
      },
      { client }
    )
  }

  /** Many rows in one insert, in the order given (e.g. a project from a template). */
  static async recordMany(entries: ActivityEntry[], client: TransactionClientContract) {
    const now = toDbTime(DateTime.utc(), client)
    for (let i = 0; i < entries.length; i += 200) {
      await client.table('collaboration_activities').multiInsert(
        entries.slice(i, i + 200).map((entry) => ({
          company_id: entry.companyId,
          project_id: entry.projectId,
          task_id: entry.taskId ?? null,
          actor_id: entry.actorId,
          verb: entry.verb,
          data: JSON.stringify(entry.data ?? {}),
          created_at: now,
        }))
      )
    }
  }

  /**
   * Newest first; only activity of projects the user may see, plus the
   * team-wide "project deleted" lines (never written for private projects).
   */
  static list(
    companyId: number,
    user: User,
    options: { projectId?: number; limit?: number; before?: number } = {}
  ) {
    const query = Activity.query()
      .where('companyId', companyId)
      .where((q) =>
        q
          .whereIn('projectId', ProjectAccess.visibleProjectIds(companyId, user))
          .orWhere((deleted) => deleted.whereNull('projectId').where('verb', 'project.deleted'))
      )
      .preload('actor')
      .orderBy('id', 'desc')
      .limit(options.limit ?? 50)
    if (options.projectId) query.where('projectId', options.projectId)
    if (options.before) query.where('id', '<', options.before)
    return query
  }
}
