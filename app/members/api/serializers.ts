import db from '@adonisjs/lucid/services/db'
import type Member from '#app/members/models/member'
import { memberSummaries } from '#app/members/api/member_summaries'
import { ManageConsent } from '#app/members/actions/manage_consent'
import { MemberAttributes } from '#app/members/actions/member_attributes'

/**
 * A member as /api/v1 returns it: explicit fields, phone masked unless the
 * token's owner holds members.phone.unmask; phone identities are never
 * shown (they are blind indexes). Loyalty's `points` and `tier` arrive
 * through `memberSummaries` (see member_summaries.ts).
 */
export async function serializeMember(member: Member, unmaskPhones: boolean) {
  const attributes = new MemberAttributes()
  const [identities, tags, consents, definitions, values, extra] = await Promise.all([
    db
      .from('member_identities')
      .where('member_id', member.id)
      .whereNot('type', 'phone')
      .orderBy('type')
      .orderBy('id')
      .select('type', 'value'),
    db
      .from('member_tag_assignments')
      .join('member_tags', 'member_tags.id', 'member_tag_assignments.tag_id')
      .where('member_tag_assignments.member_id', member.id)
      .orderBy('member_tags.name')
      .select('member_tags.id', 'member_tags.name', 'member_tags.auto'),
    new ManageConsent().current(member.id),
    attributes.definitions(member.companyId),
    attributes.valuesFor(member.id),
    memberSummaries.for(member),
  ])
  const phone = member.phone
  return {
    id: member.id,
    name: member.name,
    gender: member.gender,
    birthday: member.birthday?.toISODate() ?? null,
    province: member.province,
    city: member.city,
    email: member.email,
    phone: phone ? (unmaskPhones ? phone.digits : phone.masked) : null,
    registeredAt: member.registeredAt?.toISO() ?? null,
    sourceShopId: member.sourceShopId,
    sourceChannel: member.sourceChannel,
    notes: member.notes,
    identities: identities.map((i: any) => ({ type: i.type, value: i.value })),
    tags: tags.map((t: any) => ({ id: t.id, name: t.name, auto: Boolean(t.auto) })),
    consents: Object.fromEntries(
      Object.entries(consents).map(([channel, state]) => [
        channel,
        state ? { granted: state.granted, source: state.source } : null,
      ])
    ),
    /** Custom attributes (自定义属性) by name, as text (`2024-03-05`, `12.5`, `true`). */
    attributes: Object.fromEntries(
      definitions.filter((d) => values.has(d.id)).map((d) => [d.label, values.get(d.id)])
    ),
    orderCount: member.orderCount,
    spentFen: member.spentFen,
    firstOrderAt: member.firstOrderAt?.toISO() ?? null,
    lastOrderAt: member.lastOrderAt?.toISO() ?? null,
    rfm: {
      r: member.rfmR,
      f: member.rfmF,
      m: member.rfmM,
      segment: member.rfmSegment,
    },
    lifecycleStage: member.lifecycleStage,
    createdAt: member.createdAt.toISO(),
    updatedAt: member.updatedAt.toISO(),
    ...extra,
  }
}
