import type { HttpContext } from '@adonisjs/core/http'
import { currentCompany } from '#app/organization/current_company'
import { MemberAttributes } from '#app/members/actions/member_attributes'
import { attributeDefinitionValidator } from '#app/members/validators/member'

/** 自定义属性: admins define them; staff fill them in on the member page. */
export default class MemberAttributesController {
  async index({ view }: HttpContext) {
    const company = await currentCompany()
    const attributes = await new MemberAttributes().definitions(company.id)
    return view.render('pages/members/attributes', { attributes })
  }

  async store({ request, auth, response, session, i18n }: HttpContext) {
    const company = await currentCompany()
    const input = await request.validateUsing(attributeDefinitionValidator)
    await new MemberAttributes().define(
      company.id,
      {
        label: input.label,
        type: input.type,
        options: (input.options ?? '').split(/[,，\n]/),
      },
      auth.user!
    )
    session.flash('success', i18n.t('members.attributes.created', { label: input.label }))
    return response.redirect().toRoute('members.attributes.index')
  }

  async destroy({ params, auth, response, session, i18n }: HttpContext) {
    const company = await currentCompany()
    await new MemberAttributes().remove(company.id, Number(params.id), auth.user!)
    session.flash('success', i18n.t('members.attributes.removed'))
    return response.redirect().toRoute('members.attributes.index')
  }

  /**
   * POST /members/:id/attributes: the values form on the member page,
   * `values[a<attributeId>]` (a letter first: numeric keys would be parsed as an array).
   */
  async update({ params, request, auth, response, session, i18n }: HttpContext) {
    const company = await currentCompany()
    const raw = request.input('values', {})
    const values: Record<string, string> = {}
    if (raw && typeof raw === 'object') {
      for (const [key, value] of Object.entries(raw)) {
        if (/^a\d+$/.test(key)) values[key.slice(1)] = value == null ? '' : String(value)
      }
    }
    const changed = await new MemberAttributes().set(
      company.id,
      Number(params.id),
      values,
      auth.user!
    )
    session.flash(
      'success',
      i18n.t(changed.length ? 'members.profile.saved' : 'members.profile.unchanged')
    )
    return response.redirect().toRoute('members.show', { id: params.id })
  }
}
