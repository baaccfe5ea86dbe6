import type { HttpContext } from '@adonisjs/core/http'
import { currentCompany } from '#app/organization/current_company'
import { TeamOverview } from '#app/collaboration/actions/team_overview'

/** 团队: who finished what today, what is due, what is late. */
export default class TeamController {
  async show({ view, auth }: HttpContext) {
    const company = await currentCompany()
    const people = await new TeamOverview().handle(company.id, auth.user!, company.timezone)
    return view.render('pages/collaboration/team', { people, zone: company.timezone })
  }
}
