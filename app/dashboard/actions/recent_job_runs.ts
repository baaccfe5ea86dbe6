import JobRun from '#app/shared/queue/models/job_run'

/** The long work a user started lately (imports, exports …), newest first, with progress. */
export class RecentJobRuns {
  async forUser(userId: number, limit = 5) {
    return JobRun.query().where('requested_by_id', userId).orderBy('id', 'desc').limit(limit)
  }
}
