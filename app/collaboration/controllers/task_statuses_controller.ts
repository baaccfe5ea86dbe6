import type { HttpContext } from '@adonisjs/core/http'
import { currentCompany } from '#app/organization/current_company'
import { TaskStatuses } from '#app/collaboration/actions/task_statuses'
import { newStatusValidator, statusValidator } from '#app/collaboration/validators/collaboration'

/** 设置 → 任务状态: the board's columns of the company. */
export default class TaskStatusesController {
  async index({ view }: HttpContext) {
    const company = await currentCompany()
    const statuses = await TaskStatuses.forCompany(company.id)
    return view.render('pages/collaboration/statuses', { statuses })
  }

  async store({ request, auth, response, session, i18n }: HttpContext) {
    const company = await currentCompany()
    const input = await request.validateUsing(newStatusValidator)
    await TaskStatuses.add(company.id, { ...input, isDone: !!input.isDone }, auth.user!)
    session.flash('success', i18n.t('collaboration.statuses.saved'))
    return response.redirect().toRoute('collaboration.statuses.index')
  }

  async update({ request, params, auth, response, session, i18n }: HttpContext) {
    const company = await currentCompany()
    const input = await request.validateUsing(statusValidator)
    await TaskStatuses.update(
      company.id,
      Number(params.id),
      { name: input.name, isDone: !!input.isDone },
      auth.user!
    )
    session.flash('success', i18n.t('collaboration.statuses.saved'))
    return response.redirect().toRoute('collaboration.statuses.index')
  }
}
