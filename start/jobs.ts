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
import { sendMessageJob } from '#app/plugins/jobs/send_message_job'
import { erpSyncJob } from '#app/plugins/jobs/erp_sync_job'
import { pullChannelUpdatesJob } from '#app/plugins/jobs/pull_channel_updates_job'
queue.register(importJob)
queue.register(exportMembersJob)
queue.register(sendMessageJob)
queue.schedule(erpSyncJob, { cron: '*/15 * * * *' }, {})
queue.schedule(pullChannelUpdatesJob, { cron: '*/5 * * * *' }, {})
queue.schedule(recomputeRfmJob, { cron: '30 2 * * *', tz: 'Asia/Shanghai' }, {})

export default queue
