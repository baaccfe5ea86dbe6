import { currentCompany } from '#app/organization/current_company'
import type { HttpContext } from '@adonisjs/core/http'
import db from '@adonisjs/lucid/services/db'
import { userZone } from '#app/shared/kernel/time'
import { roleAllows } from '#app/identity/roles'
import { ListMembers } from '#app/members/actions/list_members'
import { LIFECYCLE_STAGES, RFM_SEGMENTS } from '#app/members/actions/recompute_rfm'
import { GetMemberProfile } from '#app/members/actions/get_member_profile'
import MemberTag from '#app/members/models/member_tag'
import MemberTagGroup from '#app/members/models/member_tag_group'
import { memberFiltersValidator } from '#app/members/validators/member'
import { withoutEmptyValues } from '#app/shared/http/query_string'
import { CONSENT_CHANNELS, ManageConsent } from '#app/members/actions/manage_consent'
import { UpdateMemberProfile } from '#app/members/actions/update_member_profile'
import { AutoTags } from '#app/members/actions/auto_tags'
import { MemberAttributes } from '#app/members/actions/member_attributes'
import { memberProfileFormValidator } from '#app/members/validators/api'
import { DateTime } from 'luxon'
import { SearchProducts } from '#app/commerce/actions/search_products'

/** 会员: the filtered member list and the member 360 page. */
export default class MembersController {
  async index({ view, request, auth }: HttpContext) {
    const company = await currentCompany()
    // A hand-edited URL with a bad filter shows everything rather than bouncing back.
    const [invalid, valid] = await memberFiltersValidator.tryValidate(
      withoutEmptyValues(request.qs())
    )
    const filters = valid ?? {}
    const zone = userZone(auth.user)
    const { members, next } = await new ListMembers().page(company.id, filters, zone)
    const [tags, groups, shops, provinces, categories, savedSegments, attributes, tiers] =
      await Promise.all([
        MemberTag.query().where('companyId', company.id).orderBy('groupId').orderBy('name'),
        MemberTagGroup.query().where('companyId', company.id).orderBy('name'),
        db.from('shops').where('company_id', company.id).orderBy('id').select('id', 'name'),
        new ListMembers().provinces(company.id),
        db
          .from('products')
          .where('company_id', company.id)
          .whereNotNull('category')
          .distinct('category')
          .orderBy('category')
          .limit(200),
        db
          .from('member_segments')
          .where('company_id', company.id)
          .orderBy('name')
          .select('id', 'name')
          .limit(200),
        new MemberAttributes().definitions(company.id),
        db
          .from('loyalty_tiers')
          .where('company_id', company.id)
          .orderBy('threshold')
          .select('id', 'name'),
      ])
    const { after, editRule: editRuleId, ...kept } = invalid ? {} : request.qs()
    const [editRule = null] =
      editRuleId && Number.isInteger(Number(editRuleId))
        ? await new AutoTags().rules(company.id, { ruleId: Number(editRuleId) })
        : []
    return view.render('pages/members/index', {
      members,
      next,
      filters: invalid ? {} : request.qs(),
      filterError: !!invalid,
      kept,
      tags,
      groups,
      groupNames: new Map(groups.map((g) => [g.id, g.name])),
      shops,
      provinces,
      categories: categories.map((c: any) => c.category),
      savedSegments,
      attributes,
      tiers,
      editRule,
      segments: RFM_SEGMENTS,
      stages: LIFECYCLE_STAGES,
      unmask: roleAllows(auth.user!.role, 'members.phone.unmask'),
    })
  }

  /** The product filter's suggestions (a datalist's options, fetched as staff type). */
  async productOptions({ view, request }: HttpContext) {
    const company = await currentCompany()
    const typed = String(request.input('product') ?? '').slice(0, 64)
    const products = await new SearchProducts().handle(company.id, typed)
    return view.render('components/members/product_options', { products })
  }

  async show({ view, params, auth, response }: HttpContext) {
    const company = await currentCompany()
    const profile = await new GetMemberProfile().handle(company.id, params.id)
    if (
      profile.member.mergedIntoId &&
      !profile.merges.some((m) => m.sourceMemberId === profile.member.id && !m.undoneAt)
    ) {
      return response.redirect().toRoute('members.show', { id: profile.member.mergedIntoId })
    }
    const member = profile.member
    const [consents, doNotContact, attributes, attributeValues] = await Promise.all([
      new ManageConsent().current(member.id),
      member.phoneHash
        ? db
            .from('do_not_contact')
            .where({ company_id: company.id, phone_hash: member.phoneHash })
            .select('channel')
        : [],
      new MemberAttributes().definitions(member.companyId),
      new MemberAttributes().valuesFor(member.id),
    ])
    return view.render('pages/members/show', {
      ...profile,
      consents,
      consentChannels: CONSENT_CHANNELS,
      doNotContact: doNotContact.map((row: any) => row.channel),
      attributes,
      attributeValues,
      unmask: roleAllows(auth.user!.role, 'members.phone.unmask'),
    })
  }

  /** Editing the profile by hand (overwrites; audit-logged as members.profile_updated). */
  async update({ params, request, response, auth, session, i18n }: HttpContext) {
    const company = await currentCompany()
    const { removePhone, phone, birthday, ...fields } = await request.validateUsing(
      memberProfileFormValidator
    )
    const { changed } = await new UpdateMemberProfile().handle(
      company.id,
      Number(params.id),
      {
        ...fields,
        birthday: birthday ? DateTime.fromJSDate(birthday).startOf('day') : null,
        phone: removePhone ? null : (phone ?? undefined),
      },
      auth.user!
    )
    session.flash(
      'success',
      i18n.t(changed.length ? 'members.profile.saved' : 'members.profile.unchanged')
    )
    return response.redirect().toRoute('members.show', { id: params.id })
  }
}
