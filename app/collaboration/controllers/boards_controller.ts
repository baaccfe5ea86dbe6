import type { HttpContext } from '@adonisjs/core/http'
import { currentCompany } from '#app/organization/current_company'
import { ProjectAccess } from '#app/collaboration/actions/project_access'
import { TaskQueries } from '#app/collaboration/actions/task_queries'

/** 看板: a project's tasks in columns by status. */
export default class BoardsController {
  async show({ view, params, auth }: HttpContext) {
    const company = await currentCompany()
    const user = auth.user!
    const project = await ProjectAccess.find(company.id, Number(params.id), user)
    const columns = await new TaskQueries(company.id, user, company.timezone).board(project.id)
    return view.render('pages/collaboration/board', {
      project,
      columns,
      canEdit: ProjectAccess.canEditTasks(project, user),
      zone: company.timezone,
      movedTaskId: null,
    })
  }
}
