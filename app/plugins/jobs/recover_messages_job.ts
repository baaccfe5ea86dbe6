import { defineJob } from '#app/shared/queue/define_job'
import { pluginHost } from '#app/plugins/plugin_host'
import { recoverStuck, staleSending } from '#app/plugins/messaging/dispatcher'

/**
 * Every minute: messages left `sending` past the lease by a worker that
 * died mid-call are looked up at the provider and recorded as sent, sent
 * again, or failed as "outcome unknown" (docs/plugins.md §3).
 */
export const recoverMessagesJob = defineJob<Record<string, never>>({
  name: 'plugins.recover_messages',
  maxAttempts: 1,
  async handle(): Promise<Record<string, number>> {
    const stale = await staleSending()
    if (stale.length === 0) return { stale: 0 }
    await pluginHost.ensureLoaded()
    return { stale: stale.length, ...(await recoverStuck(stale)) }
  },
})
