import type { HttpContext } from '@adonisjs/core/http'
import { dashboardCards } from '#app/dashboard/dashboard_cards'

/** The signed-in home page (工作台): the cards registered in start/dashboard.ts that the role may see. */
export default class DashboardController {
  async show(ctx: HttpContext) {
    const cards = await dashboardCards.load(ctx)
    return ctx.view.render('pages/dashboard/show', { cards })
  }
}
