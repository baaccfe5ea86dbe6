import type { HttpContext } from '@adonisjs/core/http'
import db from '@adonisjs/lucid/services/db'
import User from '#app/identity/models/user'
import Project, { PROJECT_STATUSES } from '#app/collaboration/models/project'
import Task from '#app/collaboration/models/task'
import { currentCompany } from '#app/organization/current_company'
import { ManageProjects } from '#app/collaboration/actions/manage_projects'
import { ProjectAccess } from '#app/collaboration/actions/project_access'
import { TaskQueries, percent } from '#app/collaboration/actions/task_queries'
import { TaskStatuses } from '#app/collaboration/actions/task_statuses'
import { ActivityFeed } from '#app/collaboration/actions/activity_feed'
import { projectValidator, recurringValidator } from '#app/collaboration/validators/collaboration'
import { RecurringTasks } from '#app/collaboration/actions/recurring_tasks'
import RecurringTask from '#app/collaboration/models/recurring_task'
import PlaybookTemplate from '#app/collaboration/models/playbook_template'

/** 项目: the list of campaign plans and one plan's page. */
export default class ProjectsController {
  async index({ view, auth }: HttpContext) {
    const company = await currentCompany()
    const user = auth.user!
    const projects = await ProjectAccess.scopeVisible(
      Project.query().where('projects.company_id', company.id),
      user
    )
      .preload('owner')
      .orderByRaw("case when status in ('done', 'archived') then 1 else 0 end")
      .orderBy('id', 'desc')
      .limit(200)
    const progress = await new TaskQueries(company.id, user, company.timezone).progress(
      projects.map((p) => p.id)
    )
    return view.render('pages/collaboration/projects/index', {
      projects,
      progress,
      percent,
      ...(await this.formOptions(company.id)),
    })
  }

  async store({ request, auth, response, session, i18n }: HttpContext) {
    const company = await currentCompany()
    const payload = await request.validateUsing(projectValidator)
    const project = await new ManageProjects().create(company.id, payload, auth.user!)
    session.flash('success', i18n.t('collaboration.projects.created', { name: project.name }))
    return response.redirect().toRoute('collaboration.projects.show', { id: project.id })
  }

  async show({ view, params, auth }: HttpContext) {
    const company = await currentCompany()
    const user = auth.user!
    const project = await ProjectAccess.find(company.id, Number(params.id), user)
    await project.load('owner')
    const queries = new TaskQueries(company.id, user, company.timezone)
    const [progress, tasks, activities, statuses, recurring] = await Promise.all([
      queries.progress([project.id]),
      Task.query()
        .where('projectId', project.id)
        .preload('assignee')
        .preload('status')
        .orderByRaw('case when due_at is null then 1 else 0 end')
        .orderBy('dueAt')
        .orderBy('id')
        .limit(500),
      ActivityFeed.list(company.id, user, { projectId: project.id, limit: 30 }),
      TaskStatuses.forCompany(company.id),
      RecurringTask.query()
        .where({ projectId: project.id, active: true })
        .preload('assignee')
        .orderBy('id'),
    ])
    const sourceTemplate = project.templateId
      ? await PlaybookTemplate.query()
          .where({ id: project.templateId, companyId: company.id })
          .first()
      : null
    return view.render('pages/collaboration/projects/show', {
      sourceTemplate,
      recurring,
      project,
      progress: progress.get(project.id)!,
      percent,
      tasks,
      activities,
      statuses,
      doneIds: new Set(statuses.filter((s) => s.isDone).map((s) => s.id)),
      canEdit: ProjectAccess.canEditTasks(project, user),
      canManage: ProjectAccess.canManage(project, user),
      memberIds: project.members.map((m) => m.id),
      ...(await this.formOptions(company.id)),
    })
  }

  async update({ request, params, auth, response, session, i18n }: HttpContext) {
    const company = await currentCompany()
    const project = await ProjectAccess.find(company.id, Number(params.id), auth.user!)
    const payload = await request.validateUsing(projectValidator)
    await new ManageProjects().update(
      project,
      { ...payload, memberIds: payload.memberIds ?? [] },
      auth.user!
    )
    session.flash('success', i18n.t('collaboration.projects.updated'))
    return response.redirect().toRoute('collaboration.projects.show', { id: project.id })
  }

  async addRecurring({ request, params, auth, response, session, i18n }: HttpContext) {
    const company = await currentCompany()
    const project = await ProjectAccess.find(company.id, Number(params.id), auth.user!)
    const input = await request.validateUsing(recurringValidator)
    await new RecurringTasks(company.timezone).create(project, input, auth.user!)
    session.flash('success', i18n.t('collaboration.recurring.created'))
    return response.redirect().toRoute('collaboration.projects.show', { id: project.id })
  }

  async stopRecurring({ params, auth, response }: HttpContext) {
    const company = await currentCompany()
    const project = await ProjectAccess.find(company.id, Number(params.id), auth.user!)
    await new RecurringTasks(company.timezone).stop(project, Number(params.ruleId), auth.user!)
    return response.redirect().toRoute('collaboration.projects.show', { id: project.id })
  }

  private async formOptions(companyId: number) {
    const [users, shops] = await Promise.all([
      User.query().whereNull('disabledAt').orderBy('fullName'),
      db.from('shops').where('company_id', companyId).orderBy('id').select('id', 'name'),
    ])
    return {
      users: users.filter((u) => u.can('tasks.view')),
      shops,
      projectStatuses: PROJECT_STATUSES,
    }
  }
}
