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
import { affectedRows, fromDbTime, toDbTime } from '#app/shared/kernel/db_values'
import { MemberAttributes } from '#app/members/actions/member_attributes'

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
    const [identities, tags, orders, refunds, consentEvents, consents, held] = await Promise.all([
      MemberIdentity.query().where('memberId', member.id).orderBy('id'),
      member.related('tags').query().orderBy('name'),
      Order.query().where('memberId', member.id).preload('items').orderBy('orderedAt'),
      Refund.query()
        .whereIn('orderId', db.from('orders').where('member_id', member.id).select('id'))
        .orderBy('id'),
      db.from('member_consent_events').where('member_id', member.id).orderBy('id'),
      new ManageConsent().current(member.id),
      this.heldElsewhere(member),
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
      // What Quanzi derived from the orders: the figures and the RFM profile.
      figures: {
        orderCount: member.orderCount,
        spentFen: member.spentFen,
        firstOrderAt: member.firstOrderAt?.toISO() ?? null,
        lastOrderAt: member.lastOrderAt?.toISO() ?? null,
        rfm: { r: member.rfmR, f: member.rfmF, m: member.rfmM, segment: member.rfmSegment },
        lifecycleStage: member.lifecycleStage,
      },
      ...held,
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
   * The member's data kept by other modules: custom attributes, static
   * segments, points and their postings, tier and its history, redemptions,
   * coupons, benefits granted and claimed, and the messages sent or received.
   */
  private async heldElsewhere(member: Member) {
    const iso = (value: unknown) => fromDbTime(value as Date | string | null)?.toISO() ?? null
    const id = member.id
    const [
      definitions,
      attributeValues,
      segments,
      account,
      tier,
      tierHistory,
      redemptions,
      coupons,
      grants,
      claims,
      messages,
    ] = await Promise.all([
      new MemberAttributes().definitions(member.companyId),
      new MemberAttributes().valuesFor(id),
      db
        .from('member_segment_members')
        .join('member_segments', 'member_segments.id', 'member_segment_members.segment_id')
        .where('member_segment_members.member_id', id)
        .orderBy('member_segments.name')
        .select('member_segments.name'),
      db.from('points_accounts').where('member_id', id).first(),
      db
        .from('member_tiers')
        .leftJoin('loyalty_tiers', 'loyalty_tiers.id', 'member_tiers.tier_id')
        .where('member_tiers.member_id', id)
        .select('loyalty_tiers.name', 'member_tiers.manual', 'member_tiers.manual_until')
        .first(),
      db
        .from('member_tier_history as h')
        .leftJoin('loyalty_tiers as f', 'f.id', 'h.from_tier_id')
        .leftJoin('loyalty_tiers as t', 't.id', 'h.to_tier_id')
        .where('h.member_id', id)
        .orderBy('h.id')
        .select('f.name as from_name', 't.name as to_name', 'h.reason', 'h.note', 'h.created_at'),
      db
        .from('loyalty_redemptions as r')
        .join('loyalty_rewards as w', 'w.id', 'r.reward_id')
        .where('r.member_id', id)
        .orderBy('r.id')
        .select('w.name', 'r.points', 'r.status', 'r.created_at', 'r.cancelled_at'),
      db
        .from('coupons as c')
        .join('coupon_templates as t', 't.id', 'c.template_id')
        .where('c.member_id', id)
        .orderBy('c.id')
        .select(
          'c.code',
          't.name',
          'c.status',
          'c.issued_at',
          'c.valid_until',
          'c.used_at',
          'c.used_order_no',
          'c.discount_fen'
        ),
      db
        .from('benefit_grants as g')
        .join('benefits as b', 'b.id', 'g.benefit_id')
        .where('g.member_id', id)
        .orderBy('g.id')
        .select('b.name', 'g.valid_from', 'g.valid_until', 'g.reason', 'g.revoked_at'),
      db
        .from('benefit_claims as c')
        .join('benefits as b', 'b.id', 'c.benefit_id')
        .where('c.member_id', id)
        .orderBy('c.id')
        .select('b.name', 'c.period_key', 'c.channel', 'c.note', 'c.claimed_at'),
      db
        .from('messages')
        .where('member_id', id)
        .orderBy('id')
        .select(
          'direction',
          'channel',
          'category',
          'template_code',
          'template_params',
          'body',
          'status',
          'created_at',
          'sent_at'
        ),
    ])
    const postings = account
      ? await db
          .from('points_postings')
          .where('account_id', account.id)
          .orderBy('id')
          .select('kind', 'amount', 'source_type', 'source_id', 'reason', 'created_at')
      : []
    return {
      attributes: definitions
        .filter((definition) => attributeValues.has(definition.id))
        .map((definition) => ({
          label: definition.label,
          value: attributeValues.get(definition.id),
        })),
      staticSegments: segments.map((row: any) => row.name),
      points: account
        ? {
            balance: Number(account.balance),
            pending: Number(account.pending),
            postings: postings.map((row: any) => ({
              kind: row.kind,
              amount: Number(row.amount),
              source: row.source_type,
              sourceId: row.source_id,
              reason: row.reason,
              at: iso(row.created_at),
            })),
          }
        : null,
      tier: tier
        ? { name: tier.name, manual: Boolean(tier.manual), manualUntil: iso(tier.manual_until) }
        : null,
      tierHistory: tierHistory.map((row: any) => ({
        from: row.from_name,
        to: row.to_name,
        reason: row.reason,
        note: row.note,
        at: iso(row.created_at),
      })),
      redemptions: redemptions.map((row: any) => ({
        reward: row.name,
        points: Number(row.points),
        status: row.status,
        at: iso(row.created_at),
        cancelledAt: iso(row.cancelled_at),
      })),
      coupons: coupons.map((row: any) => ({
        code: row.code,
        coupon: row.name,
        status: row.status,
        issuedAt: iso(row.issued_at),
        validUntil: iso(row.valid_until),
        usedAt: iso(row.used_at),
        usedOrderNo: row.used_order_no,
        discountFen: row.discount_fen === null ? null : Number(row.discount_fen),
      })),
      benefits: {
        granted: grants.map((row: any) => ({
          benefit: row.name,
          validFrom: iso(row.valid_from),
          validUntil: iso(row.valid_until),
          reason: row.reason,
          revokedAt: iso(row.revoked_at),
        })),
        claimed: claims.map((row: any) => ({
          benefit: row.name,
          period: row.period_key,
          channel: row.channel,
          note: row.note,
          at: iso(row.claimed_at),
        })),
      },
      messages: messages.map((row: any) => ({
        direction: row.direction,
        channel: row.channel,
        category: row.category,
        template: row.template_code,
        params: parseParams(row.template_params),
        body: row.body,
        status: row.status,
        at: iso(row.created_at),
        sentAt: iso(row.sent_at),
      })),
    }
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
      // Custom attributes are profile data too; a static segment would still list the person.
      await trx.from('member_attribute_values').where('member_id', member.id).delete()
      const segmentIds = await trx
        .from('member_segment_members')
        .where('member_id', member.id)
        .select('segment_id')
      if (segmentIds.length) {
        await trx.from('member_segment_members').where('member_id', member.id).delete()
        await trx
          .from('member_segments')
          .whereIn(
            'id',
            segmentIds.map((row: any) => row.segment_id)
          )
          .decrement('member_count', 1)
      }
      // Messages keep their channel, status and times (the send statistics) but not the
      // number or the words; one still waiting is suppressed when claimed (erased member).
      const messageCount = await trx
        .from('messages')
        .where('member_id', member.id)
        .update({
          phone_hash: null,
          phone_encrypted: null,
          template_params: null,
          body: null,
          updated_at: toDbTime(DateTime.utc(), trx),
        })
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
          messages: affectedRows(messageCount),
        },
        client: trx,
      })
    })
    return member
  }
}

/** A message's template parameters as stored (JSON text; PostgreSQL drivers may return them parsed). */
function parseParams(stored: unknown): unknown {
  if (stored === null || stored === undefined) return null
  if (typeof stored !== 'string') return stored
  try {
    return JSON.parse(stored)
  } catch {
    return stored
  }
}
