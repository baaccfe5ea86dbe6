import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import logger from '@adonisjs/core/services/logger'
import type {
  DeliveryReceipt,
  InboundReply,
  MessageInbox,
  WechatFollower,
} from '#app/plugins/sdk/index'
import { Phone } from '#app/shared/kernel/phone'
import Message from '#app/plugins/models/message'
import Member from '#app/members/models/member'
import MemberIdentity from '#app/members/models/member_identity'
import { DoNotContactList } from '#app/members/actions/do_not_contact'
import { ManageConsent, type ConsentChannel } from '#app/members/actions/manage_consent'
import { findCurrentCompany } from '#app/organization/current_company'
import { channelRegistry } from '#app/plugins/registries'
import { isUnsubscribeReply } from '#app/plugins/messaging/unsubscribe'

/**
 * Where channel plugins hand what providers push back: delivery receipts
 * update the outgoing message; replies are stored, and unsubscribe replies
 * (R, T, TD, 退订 …) put the number on the do-not-contact list and withdraw
 * the member's consent for that channel.
 */
export function createInbox(pluginId: string): MessageInbox {
  return {
    receipts: (receipts) => recordReceipts(pluginId, receipts),
    replies: (replies) => recordReplies(pluginId, replies),
    followers: (followers) => linkFollowers(followers),
  }
}

const RECEIPT_UPDATABLE = ['pending', 'sending', 'sent', 'failed']

export async function recordReceipts(pluginId: string, receipts: DeliveryReceipt[]) {
  let matched = 0
  for (const receipt of receipts) {
    const message = await findReceiptMessage(pluginId, receipt)
    if (!message) {
      logger.warn({ plugin: pluginId, outId: receipt.outId }, 'receipt for an unknown message')
      continue
    }
    matched++
    if (!RECEIPT_UPDATABLE.includes(message.status) && message.status !== 'delivered') continue
    message.merge({
      status: receipt.delivered ? 'delivered' : 'failed',
      providerCode: receipt.providerCode,
      errorCode: receipt.delivered ? null : 'undelivered',
      errorMessage: receipt.delivered ? null : (receipt.description ?? null),
      receiptAt: DateTime.fromJSDate(receipt.reportedAt).toUTC(),
      providerMessageId: message.providerMessageId ?? receipt.providerMessageId,
    })
    await message.save()
  }
  return { matched }
}

/**
 * The outgoing message a receipt is about: by our message id (the out id of
 * a single send); by the batch's claim and the number (the out id of a
 * batch send); or by the provider's id — with the number, because one
 * batch shares one provider id at some providers (Aliyun's BizId).
 */
async function findReceiptMessage(pluginId: string, receipt: DeliveryReceipt) {
  const base = () => Message.query().where('provider', pluginId).where('direction', 'out')
  const phone = receipt.to ? Phone.tryParse(receipt.to) : null
  const outId = receipt.outId ?? ''
  if (/^\d+$/.test(outId)) return base().where('id', Number(outId)).first()
  if (outId && phone) {
    const inBatch = await base()
      .where('batch_token', outId)
      .where('phone_hash', phone.blindIndex)
      .first()
    if (inBatch) return inBatch
  }
  if (!receipt.providerMessageId) return null
  const byProviderId = base().where('provider_message_id', receipt.providerMessageId)
  if (phone) byProviderId.where('phone_hash', phone.blindIndex)
  return byProviderId.first()
}

export async function recordReplies(pluginId: string, replies: InboundReply[]) {
  const company = await findCurrentCompany()
  if (!company) return { optedOut: 0 }
  const channel = (channelRegistry.ownedBy(pluginId)[0]?.capabilities.channel ??
    'sms') as ConsentChannel
  let optedOut = 0
  for (const reply of replies) {
    let phone = Phone.tryParse(reply.from)
    let member = phone
      ? await Member.query()
          .where('company_id', company.id)
          .where('phone_hash', phone.blindIndex)
          .whereNull('erased_at')
          .first()
      : null
    if (!member && reply.openid) {
      // A WeChat follower: the member who has this openid, and that member's number.
      const identity = await MemberIdentity.query()
        .where({ companyId: company.id, type: 'wechat_openid', value: reply.openid })
        .first()
      member = identity
        ? await Member.query().where('id', identity.memberId).whereNull('erased_at').first()
        : null
      phone ??= member?.phone ?? null
    }
    await db.transaction(async (trx) => {
      const message = new Message()
      message.useTransaction(trx)
      message.fill({
        companyId: company.id,
        direction: 'in',
        channel,
        provider: pluginId,
        category: null,
        memberId: member?.id ?? null,
        phoneHash: phone?.blindIndex ?? null,
        phoneEncrypted: phone?.encrypt() ?? null,
        body: reply.text.slice(0, 2000),
        status: 'received',
        providerMessageId: reply.providerMessageId ?? null,
        attempts: 0,
        receiptAt: DateTime.fromJSDate(reply.receivedAt).toUTC(),
      })
      await message.save()
      if (!isUnsubscribeReply(reply.text) || (!phone && !member)) return
      if (phone) {
        await new DoNotContactList().add(
          company.id,
          phone,
          { channel, source: 'reply', reason: reply.text.slice(0, 200), actor: null },
          trx
        )
      }
      if (member) {
        await new ManageConsent().record(
          member,
          { channel, granted: false, source: 'reply', note: reply.text.slice(0, 200), actor: null },
          trx
        )
      }
      optedOut++
    })
  }
  return { optedOut }
}

/**
 * OneID for WeChat followers: the unionid is the same across a company's
 * official account, mini program and app, so a follower whose unionid is
 * already a member's identity gets its openid added to that member. An
 * openid that already belongs to someone is left alone.
 */
export async function linkFollowers(followers: WechatFollower[]) {
  const company = await findCurrentCompany()
  if (!company) return { linked: 0 }
  let linked = 0
  for (const follower of followers) {
    if (!follower.unionid || !follower.openid) continue
    const byUnion = await MemberIdentity.query()
      .where({ companyId: company.id, type: 'wechat_unionid', value: follower.unionid })
      .first()
    if (!byUnion) continue
    const existing = await MemberIdentity.query()
      .where({ companyId: company.id, type: 'wechat_openid', value: follower.openid })
      .first()
    if (existing) continue
    await MemberIdentity.create({
      companyId: company.id,
      memberId: byUnion.memberId,
      type: 'wechat_openid',
      value: follower.openid,
      source: 'wechat',
    })
    linked++
  }
  return { linked }
}
