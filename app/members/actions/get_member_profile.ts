import { Money } from '#app/shared/kernel/money'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import Member from '#app/members/models/member'
import MemberIdentity from '#app/members/models/member_identity'
import MemberTag from '#app/members/models/member_tag'
import Order from '#app/commerce/models/order'
import Refund from '#app/commerce/models/refund'
import MemberMerge from '#app/members/models/member_merge'
import AuditEvent from '#app/shared/audit/models/audit_event'

export interface TimelineEntry {
  at: DateTime
  kind: 'order' | 'order_status' | 'refund' | 'merge' | 'registered'
  label: string
  params: Record<string, unknown>
}

/** Everything the member 360 page shows, one member (redirecting merged ones to their survivor). */
export class GetMemberProfile {
  /** Audit events the page lists; the audit log (Settings) has the rest. */
  static readonly AUDIT_LIMIT = 20

  async handle(companyId: number, memberId: number) {
    const member = await Member.query().where({ id: memberId, companyId }).firstOrFail()
    const [identities, tags, allTags, orders, refunds, merges, shops, audit] = await Promise.all([
      MemberIdentity.query().where('memberId', member.id).orderBy('type').orderBy('id'),
      member.related('tags').query().orderBy('name'),
      MemberTag.query().where('companyId', companyId).orderBy('name'),
      Order.query()
        .where('memberId', member.id)
        .preload('items')
        .orderBy('orderedAt', 'desc')
        .limit(100),
      Refund.query()
        .whereIn('orderId', db.from('orders').where('member_id', member.id).select('id'))
        .orderBy('requestedAt', 'desc')
        .limit(100),
      MemberMerge.query()
        .where((q) => q.where('targetMemberId', member.id).orWhere('sourceMemberId', member.id))
        .orderBy('id', 'desc'),
      db.from('shops').where('company_id', companyId).select('id', 'name', 'platform'),
      // Who did what to this member: profile edits, tags, consent, merges, phone
      // reveals, data-subject exports and erasure (each recorded as entity "member").
      AuditEvent.query()
        .where('entity_type', 'member')
        .where('entity_id', String(member.id))
        .orderBy('id', 'desc')
        .limit(GetMemberProfile.AUDIT_LIMIT + 1),
    ])
    const shopById = new Map(shops.map((s: any) => [s.id, s]))
    const orderNo = new Map(orders.map((o) => [o.id, o.platformOrderNo]))

    const statusChanges = orders.length
      ? await db
          .from('commerce_status_changes')
          .where('subject_type', 'order')
          .whereIn(
            'subject_id',
            orders.map((o) => o.id)
          )
          .whereNotNull('from_status')
          .select('subject_id', 'from_status', 'to_status', 'changed_at')
      : []

    const timeline: TimelineEntry[] = []
    if (member.registeredAt)
      timeline.push({
        at: member.registeredAt,
        kind: 'registered',
        label: 'members.timeline.registered',
        params: {},
      })
    for (const order of orders) {
      timeline.push({
        at: order.orderedAt,
        kind: 'order',
        label: 'members.timeline.order',
        params: {
          no: order.platformOrderNo,
          shop: shopById.get(order.shopId)?.name ?? '',
          amount: Money.fen(order.paidFen).toYuanString(),
        },
      })
    }
    for (const change of statusChanges) {
      timeline.push({
        at: toDateTime(change.changed_at),
        kind: 'order_status',
        label: 'members.timeline.order_status',
        params: {
          no: orderNo.get(change.subject_id),
          from: change.from_status,
          to: change.to_status,
        },
      })
    }
    for (const refund of refunds) {
      timeline.push({
        at: refund.requestedAt,
        kind: 'refund',
        label: 'members.timeline.refund',
        params: {
          no: refund.platformRefundNo,
          amount: Money.fen(refund.amountFen).toYuanString(),
          status: refund.status,
        },
      })
    }
    for (const merge of merges) {
      timeline.push({
        at: merge.mergedAt,
        kind: 'merge',
        label:
          merge.targetMemberId === member.id
            ? 'members.timeline.merged_in'
            : 'members.timeline.merged_away',
        params: {
          other: merge.targetMemberId === member.id ? merge.sourceMemberId : merge.targetMemberId,
          undone: !!merge.undoneAt,
        },
      })
    }
    timeline.sort((a, b) => b.at.toMillis() - a.at.toMillis())

    return {
      member,
      identities,
      tags,
      allTags,
      orders,
      refunds,
      merges,
      shopById,
      timeline: timeline.slice(0, 200),
      audit: audit.slice(0, GetMemberProfile.AUDIT_LIMIT),
      moreAudit: audit.length > GetMemberProfile.AUDIT_LIMIT,
    }
  }
}

function toDateTime(value: unknown): DateTime {
  if (value instanceof Date) return DateTime.fromJSDate(value)
  return DateTime.fromSQL(String(value), { zone: 'utc' })
}
