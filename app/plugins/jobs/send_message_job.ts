import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { defineJob } from '#app/shared/queue/define_job'
import { HttpTransportError, PluginError, type SendResult } from '#app/plugins/sdk/index'
import Message from '#app/plugins/models/message'
import { channelRegistry } from '#app/plugins/registries'
import { pluginHost } from '#app/plugins/plugin_host'
import { takeSlot } from '#app/plugins/messaging/rate_gate'
import { MayContact } from '#app/members/actions/do_not_contact'
import type { ConsentChannel } from '#app/members/actions/manage_consent'

const MAX_ATTEMPTS = 5

/**
 * Sends one pending message through its channel plugin, at most once.
 * The row is claimed (`pending` → `sending`) before the provider is
 * called; a run that finds it already `sending` (the worker died during
 * the call) does not call again — the outcome is unknown, so it is marked
 * failed and a later delivery receipt may still turn it into delivered.
 * Retryable errors (rate limited, transient) put it back to `pending` and
 * the job retries with backoff.
 */
export const sendMessageJob = defineJob<{ messageId: number }>({
  name: 'plugins.send_message',
  maxAttempts: MAX_ATTEMPTS,
  async handle({ payload, attempt }): Promise<Record<string, number>> {
    await pluginHost.ensureLoaded()
    const message = await Message.find(payload.messageId)
    if (!message) return { skipped: 1 }
    if (message.status === 'sending') {
      message.merge({
        status: 'failed',
        errorCode: 'transient',
        errorMessage: 'outcome unknown: the sender stopped during the provider call; not resent',
      })
      await message.save()
      return { unknown: 1 }
    }
    if (message.status !== 'pending') return { skipped: 1 }

    const channel = channelRegistry.get(message.provider)
    if (!channel) {
      // The plugin is disabled or failed: keep the message pending and retry later.
      if (attempt < MAX_ATTEMPTS) throw new Error(`channel ${message.provider} is not active`)
      await fail(message, new PluginError('transient', `channel ${message.provider} is not active`))
      return { failed: 1 }
    }

    // Opt-outs that arrived while the message waited still count.
    const phone = message.phone
    const may = await new MayContact().check({
      companyId: message.companyId,
      channel: message.channel as ConsentChannel,
      category: message.category ?? 'notification',
      phone,
      memberId: message.memberId,
    })
    if (!may.allowed || !phone) {
      message.merge({ status: 'suppressed', errorCode: 'suppressed', providerCode: may.reason })
      await message.save()
      return { suppressed: 1 }
    }

    const claimed = await db
      .from('messages')
      .where({ id: message.id, status: 'pending' })
      .update({ status: 'sending', attempts: message.attempts + 1 })
    if (Number(claimed) !== 1) return { skipped: 1 }
    await message.refresh()

    const openid =
      channel.capabilities.channel === 'wechat' && message.memberId
        ? await wechatOpenid(message.companyId, message.memberId)
        : null
    await takeSlot(message.provider, channel.capabilities.ratePerSecond)
    let result: SendResult
    try {
      result = await channel.send({
        id: String(message.id),
        idempotencyKey: message.idempotencyKey ?? String(message.id),
        to: phone.digits,
        category: message.category ?? 'notification',
        template: message.templateCode
          ? { code: message.templateCode, params: message.templateParams ?? {} }
          : null,
        text: message.body,
        openid,
      })
    } catch (error) {
      result = { ok: false, error: normalise(error) }
    }

    if (result.ok) {
      message.merge({
        status: 'sent',
        providerMessageId: result.providerMessageId,
        errorCode: null,
        providerCode: null,
        errorMessage: null,
        sentAt: DateTime.utc(),
      })
      await message.save()
      return { sent: 1 }
    }

    const error = result.error
    if (error.retryable && attempt < MAX_ATTEMPTS) {
      message.merge({
        status: 'pending',
        errorCode: error.code,
        providerCode: error.providerCode,
        errorMessage: error.message.slice(0, 500),
      })
      await message.save()
      throw error
    }
    await fail(message, error)
    return { failed: 1 }
  },
})

/** The member's WeChat openid (the newest one when a member has several). */
async function wechatOpenid(companyId: number, memberId: number): Promise<string | null> {
  const row = await db
    .from('member_identities')
    .where({ company_id: companyId, member_id: memberId, type: 'wechat_openid' })
    .orderBy('id', 'desc')
    .first()
  return row ? String(row.value) : null
}

async function fail(message: Message, error: PluginError) {
  message.merge({
    status: 'failed',
    errorCode: error.code,
    providerCode: error.providerCode,
    errorMessage: error.message.slice(0, 500),
  })
  await message.save()
}

function normalise(error: unknown): PluginError {
  if (error instanceof PluginError) return error
  const like = error as Partial<PluginError> | null
  if (like?.name === 'PluginError' && typeof like.code === 'string') {
    // Thrown by an external plugin with its own copy of the SDK.
    return new PluginError(like.code, String(like.message), like.providerCode ?? null, {
      retryable: like.retryable,
    })
  }
  if (error instanceof HttpTransportError) {
    return new PluginError('transient', error.message, null, { cause: error, retryable: false })
  }
  // A bug in the plugin: the request may or may not have left; do not resend.
  return new PluginError('transient', `plugin error: ${(error as Error)?.message}`, null, {
    cause: error,
    retryable: false,
  })
}
