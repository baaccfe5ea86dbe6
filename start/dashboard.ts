/*
|--------------------------------------------------------------------------
| Dashboard cards
|--------------------------------------------------------------------------
|
| What the dashboard (工作台) shows, card by card. Modules register the
| cards they own here, one block each; the registry shows a user the
| cards their role may see.
|
*/

import { dashboardCards } from '#app/dashboard/dashboard_cards'
import {
  BusinessOverview,
  OVERVIEW_PERIODS,
  type OverviewPeriod,
} from '#app/dashboard/actions/business_overview'
import { RecentJobRuns } from '#app/dashboard/actions/recent_job_runs'
import { currentCompany } from '#app/organization/current_company'
import { sparklinePath } from '#app/dashboard/sparkline'
import { TaskQueries } from '#app/collaboration/actions/task_queries'
import { loyaltySettings } from '#app/loyalty/services/loyalty_settings'
import { pointsExpiringWithin, pointsLiability } from '#app/loyalty/services/loyalty_queries'

dashboardCards.register({
  id: 'business_overview',
  permission: 'members.view',
  order: 10,
  size: 'wide',
  component: 'components/dashboard/business_overview',
  async load({ request }) {
    const asked = Number(request.qs().days)
    const days: OverviewPeriod = (OVERVIEW_PERIODS as readonly number[]).includes(asked)
      ? (asked as OverviewPeriod)
      : 30
    const company = await currentCompany()
    const overview = await new BusinessOverview().handle({
      companyId: company.id,
      zone: company.timezone,
      days,
    })
    return {
      ...overview,
      periods: OVERVIEW_PERIODS,
      trend: sparklinePath(
        overview.daily.map((day) => day.gmvFen),
        300,
        48
      ),
    }
  },
})

dashboardCards.register({
  id: 'my_jobs',
  permission: 'dashboard.view',
  order: 90,
  component: 'components/dashboard/my_jobs',
  load: ({ auth }) => new RecentJobRuns().forUser(auth.user!.id),
})

dashboardCards.register({
  id: 'my_tasks',
  permission: 'tasks.view',
  order: 20,
  component: 'components/collaboration/my_tasks_card',
  async load({ auth }) {
    const company = await currentCompany()
    return new TaskQueries(company.id, auth.user!, company.timezone).myDay()
  },
})

dashboardCards.register({
  id: 'points_liability',
  permission: 'loyalty.view',
  order: 40,
  component: 'components/loyalty/liability_card',
  async load() {
    const company = await currentCompany()
    const settings = await loyaltySettings(company.id)
    const [liability, expiring] = await Promise.all([
      pointsLiability(company.id, settings.unitCostFen),
      pointsExpiringWithin(company.id, 30, { limit: 100_000 }),
    ])
    return { ...liability, expiring30: expiring.reduce((sum, row) => sum + row.points, 0) }
  },
})
