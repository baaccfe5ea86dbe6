import { GrantBonuses, MEMBER_BONUSES } from '#app/loyalty/actions/grant_bonuses'
import type { HttpContext } from '@adonisjs/core/http'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { currentCompany } from '#app/organization/current_company'
import { AuditLog } from '#app/shared/audit/audit_log'
import { DomainError } from '#app/shared/errors/domain_error'
import Member from '#app/members/models/member'
import MemberTag from '#app/members/models/member_tag'
import { FindMember } from '#app/members/actions/find_member'
import { ResolveMember, type IdentityInput } from '#app/members/actions/resolve_member'
import { UpdateMemberProfile } from '#app/members/actions/update_member_profile'
import { MemberAttributes } from '#app/members/actions/member_attributes'
import { ManageTags } from '#app/members/actions/manage_tags'
import { ManageConsent } from '#app/members/actions/manage_consent'
import { serializeMember } from '#app/members/api/serializers'
import { parseApiTime } from '#app/members/api/times'
import {
  apiConsentValidator,
  apiMemberCreateValidator,
  apiMemberTagValidator,
  consentChannelValidator,
  memberLookupValidator,
  memberProfileEditValidator,
} from '#app/members/validators/api'

const toDay = (d: Date | null | undefined) =>
  d === undefined ? undefined : d === null ? null : DateTime.fromJSDate(d).startOf('day')

/** /api/v1/members: what ERP connectors and shop systems call to find, create and update members. */
export default class ApiMembersController {
  /** GET /api/v1/members?phone=… or ?identity_type=&identity_value=: zero or one member. */
  async index({ request, auth }: HttpContext) {
    const company = await currentCompany()
    const query = await request.validateUsing(memberLookupValidator)
    const find = new FindMember()
    const member = query.phone
      ? await find.byPhone(company.id, query.phone)
      : await find.byIdentity(company.id, query.identity_type!, query.identity_value!)
    const unmask = auth.user!.can('members.phone.unmask')
    return { data: member ? [await serializeMember(member, unmask)] : [] }
  }

  /** GET /api/v1/members/:id — a merged-away member answers with the member it lives in now. */
  async show({ params, auth }: HttpContext) {
    const member = await this.#active(Number(params.id))
    return { data: await serializeMember(member, auth.user!.can('members.phone.unmask')) }
  }

  /** POST /api/v1/members: OneID find-or-create; 201 when created, 200 when the member existed. */
  async store({ request, auth, response }: HttpContext) {
    const company = await currentCompany()
    const payload = await request.validateUsing(apiMemberCreateValidator)
    const identities: IdentityInput[] = [...(payload.identities ?? [])]
    if (payload.phone) identities.unshift({ type: 'phone', value: payload.phone })
    if (payload.sourceShopId) {
      await db
        .from('shops')
        .where({ id: payload.sourceShopId, company_id: company.id })
        .firstOrFail()
    }
    const result = await db.transaction(async (trx) => {
      const resolved = await new ResolveMember().handle(
        {
          companyId: company.id,
          identities,
          source: 'api',
          profile: {
            name: payload.name,
            gender: payload.gender,
            birthday: toDay(payload.birthday),
            province: payload.province,
            city: payload.city,
            email: payload.email,
            registeredAt: payload.registeredAt
              ? parseApiTime(payload.registeredAt, company.timezone, 'registeredAt')
              : undefined,
            sourceShopId: payload.sourceShopId,
            sourceChannel: payload.sourceChannel,
            notes: payload.notes,
          },
        },
        trx
      )
      if (resolved.outcome !== 'unchanged') {
        await AuditLog.record({
          entityType: 'member',
          entityId: resolved.memberId,
          action: resolved.outcome === 'created' ? 'members.created' : 'members.identified',
          context: { source: 'api', identities: identities.map((i) => i.type) },
          actor: auth.user!,
          client: trx,
        })
      }
      return resolved
    })
    if (result.outcome !== 'unchanged') {
      await new GrantBonuses().forMembers(company.id, [result.memberId], MEMBER_BONUSES)
    }
    const member = await Member.findOrFail(result.memberId)
    response.status(result.outcome === 'created' ? 201 : 200)
    return {
      data: await serializeMember(member, auth.user!.can('members.phone.unmask')),
      meta: { outcome: result.outcome, conflicts: result.conflicts },
    }
  }

  /** PATCH /api/v1/members/:id: overwrite the given fields; audit-logged. */
  async update({ params, request, auth }: HttpContext) {
    const member = await this.#active(Number(params.id), true)
    const { attributes: named, ...profile } = await request.validateUsing(
      memberProfileEditValidator
    )
    const attributes = new MemberAttributes()
    // Checked before the profile is written: a bad attribute value changes nothing.
    const raw = named ? await attributes.byName(member.companyId, named) : null
    const { member: updated, changed } = await new UpdateMemberProfile().handle(
      member.companyId,
      member.id,
      { ...profile, birthday: toDay(profile.birthday) },
      auth.user!
    )
    const changedAttributes = raw
      ? await attributes.set(member.companyId, member.id, raw, auth.user!)
      : []
    return {
      data: await serializeMember(updated, auth.user!.can('members.phone.unmask')),
      meta: { changed, changedAttributes },
    }
  }

  /** POST /api/v1/members/:id/tags {tagId | tagName}: idempotent. */
  async addTag({ params, request, auth }: HttpContext) {
    const member = await this.#active(Number(params.id), true)
    const { tagId, tagName } = await request.validateUsing(apiMemberTagValidator)
    const tag = await MemberTag.query()
      .where('companyId', member.companyId)
      .if(tagId, (q) => q.where('id', tagId!))
      .if(!tagId && tagName, (q) => q.where('name', tagName!))
      .first()
    if (!tag) throw new DomainError('E_TAG_NOT_FOUND', 'members.errors.tag_not_found', 422)
    const added = await new ManageTags().add(member.companyId, member.id, tag.id, auth.user!)
    return { data: { tag: { id: tag.id, name: tag.name }, added: added > 0 } }
  }

  /** DELETE /api/v1/members/:id/tags/:tagId: idempotent. */
  async removeTag({ params, auth }: HttpContext) {
    const member = await this.#active(Number(params.id), true)
    const removed = await new ManageTags().remove(
      member.companyId,
      member.id,
      Number(params.tagId),
      auth.user!
    )
    return { data: { removed: removed > 0 } }
  }

  /** PUT /api/v1/members/:id/consents/:channel {granted}: source `api`; the same state again is a no-op. */
  async consent({ params, request, auth }: HttpContext) {
    const member = await this.#active(Number(params.id), true)
    const { channel } = await request.validateUsing(consentChannelValidator, {
      data: { channel: params.channel },
    })
    const { granted, note } = await request.validateUsing(apiConsentValidator)
    const changed = await new ManageConsent().record(member, {
      channel,
      granted,
      source: 'api',
      note,
      actor: auth.user!,
    })
    return { data: { channel, granted, changed } }
  }

  /** The member, following merges; erased members are gone. Writes need the exact, active member. */
  async #active(id: number, exact = false) {
    const company = await currentCompany()
    const member = await Member.query().where({ id, companyId: company.id }).first()
    const survivor = member ? await new FindMember().survivor(member) : null
    if (!survivor) throw new DomainError('E_NOT_FOUND', 'members.errors.not_found', 404)
    if (exact && survivor.id !== id) {
      throw new DomainError('E_MEMBER_MERGED', 'members.errors.merged_away', 409, {
        mergedInto: survivor.id,
      })
    }
    return survivor
  }
}
