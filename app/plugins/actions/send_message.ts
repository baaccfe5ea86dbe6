import db from '@adonisjs/lucid/services/db'
import type { MessageCategory } from '#app/plugins/sdk/index'
import type { Phone } from '#app/shared/kernel/phone'
import type { AuditActor } from '#app/shared/audit/audit_log'
import { DomainError } from '#app/shared/errors/domain_error'
import { MayContact } from '#app/members/actions/do_not_contact'
import type { ConsentChannel } from '#app/members/actions/manage_consent'
import Message from '#app/plugins/models/message'
import { channelRegistry } from '#app/plugins/registries'
import queue from '#app/shared/queue/queue'
import { sendMessageJob } from '#app/plugins/jobs/send_message_job'

export interface SendMessageInput {
  companyId: number
  /** The channel plugin: `aliyun-sms`. */
  provider: string
  phone: Phone
  memberId?: number | null
  category: MessageCategory
  template?: { code: string; params: Record<string, string> } | null
  text?: string | null
  /** The same key twice gives the first message back; nothing is sent twice. */
  idempotencyKey: string
  requestedBy?: AuditActor | null
}

/**
 * The message dispatcher's front door. Writes the message as a `pending`
 * row with its idempotency key before anything is sent, then hands it to
 * the `plugins.send_message` job. Do-not-contact and consent are checked
 * first: a blocked message is recorded as `suppressed` and never sent.
 */
export class SendMessage {
  async handle(input: SendMessageInput): Promise<Message> {
    const existing = await Message.findBy('idempotencyKey', input.idempotencyKey)
    if (existing) return existing

    const channel = channelRegistry.get(input.provider)
    if (!channel) {
      throw new DomainError('E_CHANNEL_UNAVAILABLE', 'plugins.errors.channel_unavailable', 422, {
        provider: input.provider,
      })
    }
    if (!channel.capabilities.categories.includes(input.category)) {
      throw new DomainError('E_CATEGORY_UNSUPPORTED', 'plugins.errors.category_unsupported', 422)
    }

    const may = await new MayContact().check({
      companyId: input.companyId,
      channel: channel.capabilities.channel as ConsentChannel,
      category: input.category,
      phone: input.phone,
      memberId: input.memberId ?? null,
    })

    const message = new Message()
    message.fill({
      companyId: input.companyId,
      direction: 'out',
      channel: channel.capabilities.channel,
      provider: input.provider,
      category: input.category,
      memberId: input.memberId ?? null,
      phoneHash: input.phone.blindIndex,
      phoneEncrypted: input.phone.encrypt(),
      templateCode: input.template?.code ?? null,
      templateParams: input.template?.params ?? null,
      body: input.text ?? null,
      idempotencyKey: input.idempotencyKey,
      status: may.allowed ? 'pending' : 'suppressed',
      errorCode: may.allowed ? null : 'suppressed',
      providerCode: may.reason,
      attempts: 0,
      requestedById: input.requestedBy?.id ?? null,
    })

    try {
      await db.transaction(async (trx) => {
        message.useTransaction(trx)
        await message.save()
        if (may.allowed) {
          await queue.dispatch(
            sendMessageJob,
            { messageId: message.id },
            {
              idempotencyKey: `message:${message.id}`,
              requestedBy: input.requestedBy ?? null,
              client: trx,
            }
          )
        }
      })
    } catch (error) {
      // Lost a race for the same key: the other insert is the message.
      const winner = await Message.findBy('idempotencyKey', input.idempotencyKey)
      if (winner) return winner
      throw error
    }
    return message
  }
}
