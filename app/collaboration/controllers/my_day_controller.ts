import type { HttpContext } from '@adonisjs/core/http'
import { currentCompany } from '#app/organization/current_company'
import { TaskQueries } from '#app/collaboration/actions/task_queries'

/** 我的一天: what I must do today, what is late, what comes this week. */
export default class MyDayController {
  async show({ view, auth }: HttpContext) {
    const company = await currentCompany()
    const day = await new TaskQueries(company.id, auth.user!, company.timezone).myDay()
    return view.render('pages/collaboration/my_day', { ...day, zone: company.timezone })
  }
}
