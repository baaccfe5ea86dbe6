import type { HttpContext } from '@adonisjs/core/http'
import User from '#app/identity/models/user'
import { currentCompany } from '#app/organization/current_company'
import { ProjectAccess } from '#app/collaboration/actions/project_access'
import { ProjectCharts } from '#app/collaboration/actions/project_charts'

const WIDTH = 600
const HEIGHT = 200

/** An SVG path through the non-null values, on a shared scale. */
function path(values: Array<number | null>, max: number) {
  const step = values.length > 1 ? WIDTH / (values.length - 1) : 0
  return values
    .map((value, i) =>
      value === null
        ? null
        : `${i === 0 ? 'M' : 'L'}${(i * step).toFixed(1)} ${(HEIGHT - (value / Math.max(max, 1)) * HEIGHT).toFixed(1)}`
    )
    .filter(Boolean)
    .join(' ')
}

/** 燃尽图, 时间线 of a project and the team's 工作量. */
export default class ProjectChartsController {
  async burndown({ view, params, auth }: HttpContext) {
    const company = await currentCompany()
    const project = await ProjectAccess.find(company.id, Number(params.id), auth.user!)
    const days = await new ProjectCharts(company.timezone).burndown(project)
    const max = Math.max(...days.map((d) => Math.max(d.remaining ?? 0, d.ideal)), 1)
    return view.render('pages/collaboration/burndown', {
      project,
      days,
      max,
      width: WIDTH,
      height: HEIGHT,
      actualPath: path(
        days.map((d) => d.remaining),
        max
      ),
      idealPath: path(
        days.map((d) => d.ideal),
        max
      ),
    })
  }

  async timeline({ view, params, auth }: HttpContext) {
    const company = await currentCompany()
    const project = await ProjectAccess.find(company.id, Number(params.id), auth.user!)
    const timeline = await new ProjectCharts(company.timezone).timeline(project)
    return view.render('pages/collaboration/timeline', {
      project,
      ...timeline,
      titles: new Map(timeline.bars.map((b) => [b.task.id, b.task.title])),
    })
  }

  async workload({ view, auth }: HttpContext) {
    const company = await currentCompany()
    const { dates, counts } = await new ProjectCharts(company.timezone).workload(
      company.id,
      auth.user!
    )
    const users = await User.query().whereNull('disabledAt').orderBy('fullName')
    return view.render('pages/collaboration/workload', {
      dates,
      counts,
      people: users.filter((u) => u.can('tasks.view')),
    })
  }
}
