import { withoutEmptyValues } from '#app/shared/http/query_string'
import { errors as lucidErrors } from '@adonisjs/lucid'
import type { HttpContext } from '@adonisjs/core/http'
import User from '#app/identity/models/user'
import Project from '#app/collaboration/models/project'
import TaskLabel from '#app/collaboration/models/task_label'
import SavedTaskFilter from '#app/collaboration/models/saved_task_filter'
import { currentCompany } from '#app/organization/current_company'
import { ProjectAccess } from '#app/collaboration/actions/project_access'
import { TaskQueries } from '#app/collaboration/actions/task_queries'
import { TaskStatuses } from '#app/collaboration/actions/task_statuses'
import {
  savedFilterValidator,
  taskFiltersValidator,
} from '#app/collaboration/validators/collaboration'

const FILTER_KEYS = ['assignee', 'label', 'status', 'project', 'dueFrom', 'dueTo'] as const

/** 任务列表: every visible task, filtered; filters can be saved by name. */
export default class TaskListController {
  async index({ view, request, auth }: HttpContext) {
    const company = await currentCompany()
    const user = auth.user!
    const [invalid, valid] = await taskFiltersValidator.tryValidate(
      withoutEmptyValues(request.qs())
    )
    const filters = valid ?? {}
    const [tasks, statuses, users, labels, projects, saved] = await Promise.all([
      new TaskQueries(company.id, user, company.timezone).list(filters),
      TaskStatuses.forCompany(company.id),
      User.query().whereNull('disabledAt').orderBy('fullName'),
      TaskLabel.query().where('companyId', company.id).orderBy('name'),
      ProjectAccess.scopeVisible(Project.query().where('companyId', company.id), user).orderBy(
        'id',
        'desc'
      ),
      SavedTaskFilter.query().where({ userId: user.id }).orderBy('name'),
    ])
    const qs: Record<string, string> = {}
    if (!invalid) {
      for (const key of FILTER_KEYS) {
        const value = request.qs()[key]
        if (value) qs[key] = String(value)
      }
    }
    return view.render('pages/collaboration/tasks/index', {
      tasks,
      statuses,
      doneIds: new Set(statuses.filter((s) => s.isDone).map((s) => s.id)),
      users: users.filter((u) => u.can('tasks.view')),
      labels,
      projects,
      saved,
      filters: qs,
      filterError: !!invalid,
      zone: company.timezone,
    })
  }

  async saveFilter({ request, auth, response, session, i18n }: HttpContext) {
    const company = await currentCompany()
    const { name } = await request.validateUsing(savedFilterValidator)
    const { dueFrom, dueTo, ...ids } = await taskFiltersValidator.validate(
      request.only([...FILTER_KEYS])
    )
    const query: Record<string, string> = {}
    for (const [key, value] of Object.entries({ ...ids, dueFrom, dueTo })) {
      if (value !== undefined && value !== null && value !== '') query[key] = String(value)
    }
    const existing = await SavedTaskFilter.query().where({ userId: auth.user!.id, name }).first()
    if (existing) {
      existing.query = query
      await existing.save()
    } else {
      await SavedTaskFilter.create({ companyId: company.id, userId: auth.user!.id, name, query })
    }
    session.flash('success', i18n.t('collaboration.list.saved', { name }))
    return response.redirect().toRoute('collaboration.tasks.index', {}, { qs: query })
  }

  async destroyFilter({ params, auth, response }: HttpContext) {
    const filter = await SavedTaskFilter.query()
      .where({ id: Number(params.id), userId: auth.user!.id })
      .first()
    if (!filter) throw new lucidErrors.E_ROW_NOT_FOUND()
    await filter.delete()
    return response.redirect().toRoute('collaboration.tasks.index')
  }
}
