import type { HttpContext } from '@adonisjs/core/http'
import Project from '#app/collaboration/models/project'
import { currentCompany } from '#app/organization/current_company'
import { ProjectAccess } from '#app/collaboration/actions/project_access'
import { TaskQueries } from '#app/collaboration/actions/task_queries'
import { TaskStatuses } from '#app/collaboration/actions/task_statuses'
import { ManageTasks } from '#app/collaboration/actions/manage_tasks'
import { ManageTemplates } from '#app/collaboration/actions/manage_templates'
import { TemplateFiles } from '#app/collaboration/actions/template_files'
import { findVisibleTask } from '#app/collaboration/actions/find_task'
import { ManageProjects } from '#app/collaboration/actions/manage_projects'
import { DeleteWork } from '#app/collaboration/actions/delete_work'
import { serializeProject, serializeTask, serializeTemplate } from '#app/collaboration/serializers'
import {
  apiCreateProjectValidator,
  apiCreateTaskValidator,
  apiFromTemplateValidator,
  apiUpdateProjectValidator,
  apiTaskFiltersValidator,
  apiUpdateTaskValidator,
} from '#app/collaboration/validators/api'
import { apiError } from '#app/shared/http/api_error'
import { templateFiltersValidator } from '#app/collaboration/validators/collaboration'
import { DomainError } from '#app/shared/errors/domain_error'

/** /api/v1 for collaboration: projects, tasks, templates, from-template. */
export default class ApiCollaborationController {
  async projects({ auth }: HttpContext) {
    const company = await currentCompany()
    const user = auth.user!
    const projects = await ProjectAccess.scopeVisible(
      Project.query().where('projects.company_id', company.id),
      user
    )
      .orderBy('id', 'desc')
      .limit(200)
    const progress = await new TaskQueries(company.id, user, company.timezone).progress(
      projects.map((p) => p.id)
    )
    return { data: projects.map((p) => serializeProject(p, progress.get(p.id))) }
  }

  async createProject({ request, auth, response }: HttpContext) {
    const company = await currentCompany()
    const input = await request.validateUsing(apiCreateProjectValidator)
    const project = await new ManageProjects().create(company.id, input, auth.user!)
    return response.status(201).send({ data: serializeProject(project) })
  }

  /** PATCH: fields not sent keep their value; `memberIds`, when sent, is the whole list. */
  async updateProject({ request, params, auth }: HttpContext) {
    const company = await currentCompany()
    const project = await ProjectAccess.find(company.id, Number(params.id), auth.user!)
    const input = await request.validateUsing(apiUpdateProjectValidator)
    const given = <T>(value: T | undefined, fallback: T) => (value === undefined ? fallback : value)
    await new ManageProjects().update(
      project,
      {
        name: given(input.name, project.name),
        description: given(input.description, project.description),
        shopId: given(input.shopId, project.shopId),
        startsOn: given(input.startsOn, project.startsOn?.toISODate() ?? null),
        endsOn: given(input.endsOn, project.endsOn?.toISODate() ?? null),
        status: given(input.status, project.status),
        isPrivate: given(input.isPrivate, project.isPrivate),
        memberIds: input.memberIds,
      },
      auth.user!
    )
    await project.refresh()
    return { data: serializeProject(project) }
  }

  /** Deletes the project with its tasks (owner or tasks.manage). */
  async deleteProject({ params, auth, response }: HttpContext) {
    const company = await currentCompany()
    const project = await ProjectAccess.find(company.id, Number(params.id), auth.user!)
    await new DeleteWork().deleteProject(project, auth.user!)
    return response.noContent()
  }

  /** Deletes the task with its comments, checklist, attachments and dependencies. */
  async deleteTask({ params, auth, response }: HttpContext) {
    const company = await currentCompany()
    const task = await findVisibleTask(company.id, Number(params.id), auth.user!)
    await new DeleteWork().deleteTask(task, auth.user!)
    return response.noContent()
  }

  async tasks({ request, auth }: HttpContext) {
    const company = await currentCompany()
    const filters = await request.validateUsing(apiTaskFiltersValidator)
    const statuses = await TaskStatuses.forCompany(company.id)
    const status = filters.status ? this.statusId(statuses, filters.status) : undefined
    const tasks = await new TaskQueries(company.id, auth.user!, company.timezone).list({
      ...filters,
      status,
    })
    return { data: tasks.map((t) => serializeTask(t, statuses, company.timezone)) }
  }

  async createTask({ request, params, auth, response }: HttpContext) {
    const company = await currentCompany()
    const project = await ProjectAccess.find(company.id, Number(params.id), auth.user!)
    const input = await request.validateUsing(apiCreateTaskValidator)
    const statuses = await TaskStatuses.forCompany(company.id)
    const task = await new ManageTasks(company.timezone).create(
      project,
      {
        ...input,
        statusId: input.status ? this.statusId(statuses, input.status) : undefined,
        labels: input.labels?.join(',') ?? '',
        checklist: input.checklist?.join('\n'),
      },
      auth.user!
    )
    await task.load('labels')
    return response.status(201).send({ data: serializeTask(task, statuses, company.timezone) })
  }

  /** PATCH: fields not sent keep their value; a stale `version` is refused like a second save in the UI. */
  async updateTask({ params, request, auth }: HttpContext) {
    const company = await currentCompany()
    const zone = company.timezone
    const task = await findVisibleTask(company.id, Number(params.id), auth.user!)
    const input = await request.validateUsing(apiUpdateTaskValidator)
    const statuses = await TaskStatuses.forCompany(company.id)
    await task.load('labels')
    const current = (at: typeof task.dueAt, hasTime: boolean) => ({
      date: at ? at.setZone(zone).toISODate() : null,
      time: at && hasTime ? at.setZone(zone).toFormat('HH:mm') : null,
    })
    const start = current(task.startAt, task.startHasTime)
    const due = current(task.dueAt, task.dueHasTime)
    const given = <T>(value: T | undefined, fallback: T) => (value === undefined ? fallback : value)
    await new ManageTasks(zone).update(
      task,
      {
        version: input.version,
        title: given(input.title, task.title),
        description: given(input.description, task.description),
        priority: given(input.priority, task.priority),
        assigneeId: given(input.assigneeId, task.assigneeId),
        statusId: input.status ? this.statusId(statuses, input.status) : undefined,
        startDate: given(input.startDate, start.date),
        startTime: given(input.startTime, input.startDate === null ? null : start.time),
        dueDate: given(input.dueDate, due.date),
        dueTime: given(input.dueTime, input.dueDate === null ? null : due.time),
        labels: (input.labels ?? task.labels.map((label) => label.name)).join(','),
      },
      auth.user!
    )
    await task.refresh()
    await task.load('labels')
    return { data: serializeTask(task, statuses, zone) }
  }

  async completeTask({ params, auth }: HttpContext) {
    const company = await currentCompany()
    const task = await findVisibleTask(company.id, Number(params.id), auth.user!)
    const moved = await new ManageTasks(company.timezone).complete(task, auth.user!)
    await task.refresh()
    const statuses = await TaskStatuses.forCompany(company.id)
    return { data: serializeTask(task, statuses, company.timezone), meta: { changed: moved } }
  }

  async templates({ request }: HttpContext) {
    const company = await currentCompany()
    const filters = await request.validateUsing(templateFiltersValidator, { data: request.qs() })
    const templates = await new ManageTemplates(company.timezone).list(company.id, filters)
    return { data: templates.map(serializeTemplate) }
  }

  async exportTemplate({ params }: HttpContext) {
    const company = await currentCompany()
    const template = await new ManageTemplates(company.timezone).find(company.id, Number(params.id))
    return new TemplateFiles().export(template)
  }

  /** The body is the template file itself. */
  async importTemplate({ request, auth, response, i18n }: HttpContext) {
    const company = await currentCompany()
    const result = await new TemplateFiles().import(
      company.id,
      JSON.stringify(request.body()),
      auth.user!
    )
    if (!result.ok) {
      return response.status(422).send(
        apiError(
          'E_TEMPLATE_INVALID',
          i18n.t('collaboration.templates.import_failed'),
          result.problems.map((p) => ({ field: p.field, rule: 'template', message: p.message }))
        )
      )
    }
    await result.template.loadCount('tasks')
    return response.status(201).send({ data: serializeTemplate(result.template) })
  }

  /** Creates a project from a template; returns it with its tasks and their due dates. */
  async fromTemplate({ request, auth, response }: HttpContext) {
    const company = await currentCompany()
    const input = await request.validateUsing(apiFromTemplateValidator)
    const { project, tasks } = await new ManageTemplates(company.timezone).instantiate(
      company.id,
      input,
      auth.user!
    )
    const statuses = await TaskStatuses.forCompany(company.id)
    return response.status(201).send({
      data: {
        project: serializeProject(project),
        tasks: tasks.map((t) => serializeTask(t, statuses, company.timezone)),
      },
    })
  }

  private statusId(statuses: Awaited<ReturnType<typeof TaskStatuses.forCompany>>, key: string) {
    const status = statuses.find((s) => s.key === key)
    if (!status) throw new DomainError('E_BAD_STATUS', 'collaboration.errors.bad_status', 422)
    return status.id
  }
}
