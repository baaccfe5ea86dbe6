/*
|--------------------------------------------------------------------------
| Jobs
|--------------------------------------------------------------------------
|
| Every job a worker may be asked to run is registered here, and every
| schedule is declared here, so `node ace queue:work` and the web process
| agree on what exists. Modules add one line each.
|
*/

import queue from '#app/shared/queue/queue'
import { importJob } from '#app/members/jobs/import_job'
import { recomputeRfmJob } from '#app/members/jobs/recompute_rfm_job'
import { exportMembersJob } from '#app/members/jobs/export_members_job'
import { dailyRemindersJob } from '#app/collaboration/jobs/daily_reminders_job'
import { recurringTasksJob } from '#app/collaboration/jobs/recurring_tasks_job'
queue.register(importJob)
queue.register(exportMembersJob)
queue.schedule(recomputeRfmJob, { cron: '30 2 * * *', tz: 'Asia/Shanghai' }, {})
queue.schedule(recurringTasksJob, { cron: '0 6 * * *', tz: 'Asia/Shanghai' }, {})
queue.schedule(dailyRemindersJob, { cron: '0 8 * * *', tz: 'Asia/Shanghai' }, {})

export default queue
