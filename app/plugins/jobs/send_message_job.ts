import { defineJob } from '#app/shared/queue/define_job'
import { pluginHost } from '#app/plugins/plugin_host'
import { dispatcherSettings, sendPending } from '#app/plugins/messaging/dispatcher'

/**
 * Sends one pending message through its channel plugin — with the other
 * pending messages that can share the provider call when the channel
 * batches (app/plugins/messaging/dispatcher.ts). Retries of a message are
 * new runs keyed by its attempt; this run throws (and is retried) only
 * while the channel is not active.
 */
export const sendMessageJob = defineJob<{ messageId: number }>({
  name: 'plugins.send_message',
  maxAttempts: dispatcherSettings.maxAttempts,
  async handle({ payload, attempt }): Promise<Record<string, number>> {
    await pluginHost.ensureLoaded()
    return sendPending(payload.messageId, attempt)
  },
})
