import Activity from '#app/collaboration/models/activity'
import type User from '#app/identity/models/user'
import { ProjectAccess } from '#app/collaboration/actions/project_access'

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
  static record(entry: ActivityEntry) {
    return Activity.create({
      companyId: entry.companyId,
      projectId: entry.projectId,
      taskId: entry.taskId ?? null,
      actorId: entry.actorId,
      verb: entry.verb,
      data: entry.data ?? {},
    })
  }

  /** Newest first; only activity of projects the user may see. */
  static list(
    companyId: number,
    user: User,
    options: { projectId?: number; limit?: number; before?: number } = {}
  ) {
    const query = Activity.query()
      .where('companyId', companyId)
      .whereIn('projectId', ProjectAccess.visibleProjectIds(companyId, user))
      .preload('actor')
      .orderBy('id', 'desc')
      .limit(options.limit ?? 50)
    if (options.projectId) query.where('projectId', options.projectId)
    if (options.before) query.where('id', '<', options.before)
    return query
  }
}
