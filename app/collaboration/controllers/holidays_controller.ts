import type { HttpContext } from '@adonisjs/core/http'
import { currentCompany } from '#app/organization/current_company'
import { Holidays } from '#app/collaboration/actions/holidays'
import { holidayValidator } from '#app/collaboration/validators/collaboration'

/** 设置 → 节假日: the days templates can keep due dates off (tasks.manage). */
export default class HolidaysController {
  async index({ view }: HttpContext) {
    const company = await currentCompany()
    const holidays = await Holidays.list(company.id)
    return view.render('pages/collaboration/holidays', { holidays })
  }

  async store({ request, auth, response, session, i18n }: HttpContext) {
    const company = await currentCompany()
    const payload = await request.validateUsing(holidayValidator)
    const added = await new Holidays().add(company.id, payload, auth.user!)
    session.flash('success', i18n.t('collaboration.holidays.added', { count: added }))
    return response.redirect().toRoute('collaboration.holidays.index')
  }

  async destroy({ params, auth, response }: HttpContext) {
    const company = await currentCompany()
    await new Holidays().remove(company.id, Number(params.id), auth.user!)
    return response.redirect().toRoute('collaboration.holidays.index')
  }
}
