import { DateTime } from 'luxon'
import { zipSync, strToU8 } from 'fflate'
import db from '@adonisjs/lucid/services/db'
import { AuditLog, type AuditActor } from '#app/shared/audit/audit_log'
import { DomainError } from '#app/shared/errors/domain_error'
import Member from '#app/members/models/member'
import MemberIdentity from '#app/members/models/member_identity'
import Order from '#app/commerce/models/order'
import Refund from '#app/commerce/models/refund'
import { ManageConsent } from '#app/members/actions/manage_consent'
import { affectedRows } from '#app/shared/kernel/db_values'

/** Phone identities hold only a blind index; they are shown by type. */
const HASHED_IDENTITY_TYPES = new Set(['phone'])

/**
 * Personal-data rights (PIPL art. 45 and 47): a data-subject export of
 * everything held on a member, and erasure, which anonymises identifiers
 * and profile but keeps orders and ledger totals (the company's own
 * accounting records). Both are audit-logged.
 */
export class MemberPersonalData {
  /** Everything held on the member, as `member.json` in a ZIP. */
  async export(
    companyId: number,
    memberId: number,
    actor: AuditActor
  ): Promise<{ filename: string; zip: Uint8Array }> {
    const member = await Member.query().where({ id: memberId, companyId }).firstOrFail()
    const [identities, tags, orders, refunds, consentEvents, consents] = await Promise.all([
      MemberIdentity.query().where('memberId', member.id).orderBy('id'),
      member.related('tags').query().orderBy('name'),
      Order.query().where('memberId', member.id).preload('items').orderBy('orderedAt'),
      Refund.query()
        .whereIn('orderId', db.from('orders').where('member_id', member.id).select('id'))
        .orderBy('id'),
      db.from('member_consent_events').where('member_id', member.id).orderBy('id'),
      new ManageConsent().current(member.id),
    ])

    const document = {
      format: 'quanzi.member-data/v1',
      exportedAt: DateTime.utc().toISO(),
      profile: {
        id: member.id,
        name: member.name,
        gender: member.gender,
        birthday: member.birthday?.toISODate() ?? null,
        province: member.province,
        city: member.city,
        phone: member.phone?.digits ?? null,
        email: member.email,
        registeredAt: member.registeredAt?.toISO() ?? null,
        sourceChannel: member.sourceChannel,
        notes: member.notes,
      },
      identities: identities.map((identity) => ({
        type: identity.type,
        value: HASHED_IDENTITY_TYPES.has(identity.type)
          ? (member.phone?.digits ?? null)
          : identity.value,
        source: identity.source,
        since: identity.createdAt.toISO(),
      })),
      tags: tags.map((tag) => tag.name),
      consents,
      consentHistory: consentEvents.map((event: any) => ({
        channel: event.channel,
        granted: Boolean(event.granted),
        source: event.source,
        at: event.recorded_at,
      })),
      orders: orders.map((order) => ({
        orderNo: order.platformOrderNo,
        status: order.status,
        orderedAt: order.orderedAt.toISO(),
        paidFen: order.paidFen,
        items: order.items.map((item) => ({
          title: item.title,
          quantity: item.quantity,
          priceFen: item.priceFen,
        })),
      })),
      refunds: refunds.map((refund) => ({
        refundNo: refund.platformRefundNo,
        status: refund.status,
        amountFen: refund.amountFen,
      })),
    }

    await AuditLog.record({
      entityType: 'member',
      entityId: member.id,
      action: 'personal_data_export',
      actor,
      context: { orders: orders.length, identities: identities.length },
    })
    const zip = zipSync({ 'member.json': strToU8(JSON.stringify(document, null, 2)) })
    return { filename: `member-${member.id}-data.zip`, zip }
  }

  /**
   * 删除个人信息: the profile and every identifier go; orders stay (with
   * their amounts, for the books and RFM totals) but point at an anonymous
   * member. Irreversible by design.
   */
  async erase(companyId: number, memberId: number, actor: AuditActor) {
    const member = await Member.query().where({ id: memberId, companyId }).firstOrFail()
    if (member.erasedAt)
      throw new DomainError('E_ALREADY_ERASED', 'members.privacy.already_erased', 409)

    await db.transaction(async (trx) => {
      member.useTransaction(trx)
      const identityCount = await trx
        .from('member_identities')
        .where('member_id', member.id)
        .delete()
      await trx.from('member_tag_assignments').where('member_id', member.id).delete()
      for (const channel of ['sms', 'wechat', 'email'] as const) {
        await new ManageConsent().record(
          member,
          { channel, granted: false, source: 'erasure', actor },
          trx
        )
      }
      member.merge({
        name: null,
        birthday: null,
        province: null,
        city: null,
        email: null,
        notes: null,
        gender: 'unknown',
        erasedAt: DateTime.utc(),
      })
      member.setPhone(null)
      await member.save()
      await AuditLog.record({
        entityType: 'member',
        entityId: member.id,
        action: 'erase',
        actor,
        context: {
          identities: affectedRows(identityCount),
        },
        client: trx,
      })
    })
    return member
  }
}
