import logger from '@adonisjs/core/services/logger'
import { defineJob } from '#app/shared/queue/define_job'
import { pluginHost } from '#app/plugins/plugin_host'
import { channelRegistry } from '#app/plugins/registries'
import { recordReceipts, recordReplies } from '#app/plugins/messaging/inbox'

/**
 * For channels whose provider does not push (capabilities `receipts: 'pull'`
 * or `inbound: 'pull'`): asks each for new delivery receipts and replies
 * and records them like pushed ones. One failing channel does not stop the
 * others. Scheduled in start/jobs.ts.
 */
export const pullChannelUpdatesJob = defineJob<Record<string, never>>({
  name: 'plugins.pull_channel_updates',
  maxAttempts: 1,
  async handle(): Promise<Record<string, number>> {
    await pluginHost.ensureLoaded()
    const totals = { channels: 0, receipts: 0, replies: 0, failed: 0 }
    for (const { item: channel, pluginId } of channelRegistry.entries()) {
      const pullsReceipts = channel.capabilities.receipts === 'pull' && channel.pullReceipts
      const pullsReplies = channel.capabilities.inbound === 'pull' && channel.pullReplies
      if (!pullsReceipts && !pullsReplies) continue
      totals.channels++
      try {
        if (pullsReceipts) {
          const receipts = await channel.pullReceipts!()
          const recorded = await recordReceipts(pluginId, receipts)
          totals.receipts += recorded.matched
        }
        if (pullsReplies) {
          const replies = await channel.pullReplies!()
          await recordReplies(pluginId, replies)
          totals.replies += replies.length
        }
      } catch (error) {
        totals.failed++
        logger.warn(
          { plugin: pluginId, err: (error as Error).message },
          'pulling channel updates failed'
        )
      }
    }
    return totals
  },
})
