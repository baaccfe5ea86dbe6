import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'
import { Phone } from '#app/shared/kernel/phone'

export const MESSAGE_STATUSES = [
  'pending',
  'sending',
  'sent',
  'delivered',
  'failed',
  'suppressed',
  'received',
] as const
export type MessageStatus = (typeof MESSAGE_STATUSES)[number]

const json = {
  prepare: (value: unknown) => (value == null ? null : JSON.stringify(value)),
  consume: (value: unknown) =>
    value == null ? null : typeof value === 'string' ? JSON.parse(value) : value,
}

/**
 * One message through a channel plugin. Outgoing rows are written as
 * `pending` with an idempotency key before any provider is called, then
 * updated with the provider's id, the outcome and the delivery receipt.
 */
export default class Message extends BaseModel {
  static table = 'messages'

  @column({ isPrimary: true })
  declare id: number

  @column()
  declare companyId: number

  @column()
  declare direction: 'out' | 'in'

  @column()
  declare channel: string

  @column()
  declare provider: string

  @column()
  declare category: 'otp' | 'notification' | 'marketing' | null

  @column()
  declare memberId: number | null

  @column()
  declare phoneHash: string | null

  @column()
  declare phoneEncrypted: string | null

  @column()
  declare templateCode: string | null

  @column(json)
  declare templateParams: Record<string, string> | null

  @column()
  declare body: string | null

  @column()
  declare idempotencyKey: string | null

  @column()
  declare status: MessageStatus

  @column()
  declare providerMessageId: string | null

  @column()
  declare errorCode: string | null

  @column()
  declare providerCode: string | null

  @column()
  declare errorMessage: string | null

  @column()
  declare attempts: number

  @column()
  declare requestedById: number | null

  /** The claim that took this message into one provider call (shared by a batch). */
  @column()
  declare batchToken: string | null

  /** When that claim was made: `sending` long after it means the sender died. */
  @column.dateTime()
  declare claimedAt: DateTime | null

  /** A message waiting for a retry is not sent (nor batched) before this. */
  @column.dateTime()
  declare nextAttemptAt: DateTime | null

  @column.dateTime()
  declare sentAt: DateTime | null

  @column.dateTime()
  declare receiptAt: DateTime | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime

  get phone(): Phone | null {
    return Phone.decrypt(this.phoneEncrypted)
  }
}
