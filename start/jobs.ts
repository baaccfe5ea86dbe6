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
import { autoTagsJob } from '#app/members/jobs/auto_tags_job'
import { incrementalRfmJob } from '#app/members/jobs/incremental_rfm_job'
import { issueCouponBatchJob } from '#app/coupons/jobs/issue_coupon_batch_job'
import { couponUpkeepJob } from '#app/coupons/jobs/coupon_upkeep_job'
import {
  accruePointsJob,
  expirePointsJob,
  grantBonusesJob,
  reevaluateTiersJob,
} from '#app/loyalty/jobs/loyalty_jobs'
import { sendMessageJob } from '#app/plugins/jobs/send_message_job'
import { erpSyncJob } from '#app/plugins/jobs/erp_sync_job'
import { erpPushStockJob } from '#app/plugins/jobs/erp_push_stock_job'
import { pullChannelUpdatesJob } from '#app/plugins/jobs/pull_channel_updates_job'
import { recoverMessagesJob } from '#app/plugins/jobs/recover_messages_job'
import { dailyRemindersJob } from '#app/collaboration/jobs/daily_reminders_job'
import { recurringTasksJob } from '#app/collaboration/jobs/recurring_tasks_job'
queue.register(importJob)
queue.register(exportMembersJob)
queue.register(autoTagsJob)
queue.register(sendMessageJob)
queue.register(erpPushStockJob)
queue.schedule(erpSyncJob, { cron: '*/15 * * * *' }, {})
queue.schedule(pullChannelUpdatesJob, { cron: '*/5 * * * *' }, {})
queue.schedule(recoverMessagesJob, { cron: '* * * * *' }, {})
queue.schedule(recomputeRfmJob, { cron: '30 2 * * *', tz: 'Asia/Shanghai' }, {})
queue.schedule(incrementalRfmJob, { cron: '*/5 * * * *' }, {})
queue.schedule(accruePointsJob, { cron: '*/10 * * * *', tz: 'Asia/Shanghai' }, {})
queue.schedule(expirePointsJob, { cron: '15 0 * * *', tz: 'Asia/Shanghai' }, {})
queue.schedule(reevaluateTiersJob, { cron: '45 0 * * *', tz: 'Asia/Shanghai' }, {})
queue.schedule(grantBonusesJob, { cron: '30 0 * * *', tz: 'Asia/Shanghai' }, {})
queue.register(issueCouponBatchJob)
queue.schedule(couponUpkeepJob, { cron: '*/15 * * * *' }, {})
queue.schedule(recurringTasksJob, { cron: '0 6 * * *', tz: 'Asia/Shanghai' }, {})
queue.schedule(dailyRemindersJob, { cron: '0 8 * * *', tz: 'Asia/Shanghai' }, {})

export default queue
