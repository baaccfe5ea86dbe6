import type { HttpContext } from '@adonisjs/core/http'
import { currentCompany } from '#app/organization/current_company'
import { ActivityFeed } from '#app/collaboration/actions/activity_feed'

/** 团队动态: the team-wide activity feed (projects the user may see). */
export default class ActivityController {
  async index({ view, auth, request }: HttpContext) {
    const company = await currentCompany()
    const before = Number(request.qs().before) || undefined
    const activities = await ActivityFeed.list(company.id, auth.user!, { limit: 50, before })
    return view.render('pages/collaboration/activity', {
      activities,
      next: activities.length === 50 ? activities.at(-1)!.id : null,
    })
  }
}
