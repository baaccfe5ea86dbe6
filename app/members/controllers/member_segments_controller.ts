import type { HttpContext } from '@adonisjs/core/http'
import { currentCompany } from '#app/organization/current_company'
import { userZone } from '#app/shared/kernel/time'
import { StaticSegments } from '#app/members/actions/static_segments'
import { memberFiltersValidator, segmentValidator } from '#app/members/validators/member'

/** 分群: static segments saved from the filtered member list. */
export default class MemberSegmentsController {
  async index({ view }: HttpContext) {
    const company = await currentCompany()
    const segments = await new StaticSegments().list(company.id)
    return view.render('pages/members/segments', { segments })
  }

  /** Bulk action: the list's filters travel as hidden fields, like bulk tagging. */
  async store({ request, auth, response, session, i18n }: HttpContext) {
    const company = await currentCompany()
    const { segmentName } = await request.validateUsing(segmentValidator)
    const filters = await memberFiltersValidator.validate(request.except(['segmentName', '_csrf']))
    const segment = await new StaticSegments().create(
      company.id,
      segmentName,
      filters,
      userZone(auth.user),
      auth.user!
    )
    session.flash(
      'success',
      i18n.t('members.segments.saved', { name: segment.name, count: segment.memberCount })
    )
    return response.redirect().toRoute('members.segments.index')
  }

  async destroy({ params, auth, response, session, i18n }: HttpContext) {
    const company = await currentCompany()
    await new StaticSegments().delete(company.id, Number(params.id), auth.user!)
    session.flash('success', i18n.t('members.segments.deleted'))
    return response.redirect().toRoute('members.segments.index')
  }
}
