import { currentCompany } from '#app/organization/current_company'
import type { HttpContext } from '@adonisjs/core/http'
import { userZone } from '#app/shared/kernel/time'
import { ManageTags } from '#app/members/actions/manage_tags'
import { ListMembers } from '#app/members/actions/list_members'
import {
  memberFiltersValidator,
  memberTagValidator,
  tagGroupValidator,
  tagValidator,
} from '#app/members/validators/member'

/** Manual tags on one member or on the whole filtered list. */
export default class MemberTagsController {
  async store({ request, auth, response, session, i18n }: HttpContext) {
    const company = await currentCompany()
    const payload = await request.validateUsing(tagValidator)
    await new ManageTags().create(company.id, payload, auth.user!)
    session.flash('success', i18n.t('members.tags.created', { name: payload.name }))
    return response.redirect().back()
  }

  async storeGroup({ request, auth, response, session, i18n }: HttpContext) {
    const company = await currentCompany()
    const { name } = await request.validateUsing(tagGroupValidator)
    await new ManageTags().createGroup(company.id, name, auth.user!)
    session.flash('success', i18n.t('members.tags.group_created', { name }))
    return response.redirect().back()
  }

  async attach({ request, params, auth, response }: HttpContext) {
    const company = await currentCompany()
    const { tagId } = await request.validateUsing(memberTagValidator)
    await new ManageTags().add(company.id, Number(params.id), tagId, auth.user!)
    return response.redirect().toRoute('members.show', { id: params.id })
  }

  async detach({ params, auth, response }: HttpContext) {
    const company = await currentCompany()
    await new ManageTags().remove(company.id, Number(params.id), Number(params.tagId), auth.user!)
    return response.redirect().toRoute('members.show', { id: params.id })
  }

  /** Bulk: the filters of the list page travel in the form as hidden fields. */
  async bulk({ request, auth, response, session, i18n }: HttpContext) {
    const company = await currentCompany()
    const { tagId } = await request.validateUsing(memberTagValidator)
    const { after, ...filters } = await memberFiltersValidator.validate(
      request.except(['tagId', '_csrf'])
    )
    const query = new ListMembers().query(company.id, filters, userZone(auth.user))
    const added = await new ManageTags().bulkAddToQuery(company.id, tagId, query, auth.user!, {
      filters,
    })
    session.flash('success', i18n.t('members.tags.bulk_added', { count: added }))
    return response
      .redirect()
      .toRoute('members.index', {}, { qs: request.except(['tagId', '_csrf']) })
  }
}
