import type { HttpContext } from '@adonisjs/core/http'
import db from '@adonisjs/lucid/services/db'
import User from '#app/identity/models/user'
import Task from '#app/collaboration/models/task'
import TaskAttachment from '#app/collaboration/models/task_attachment'
import { currentCompany } from '#app/organization/current_company'
import { ManageTasks } from '#app/collaboration/actions/manage_tasks'
import { ProjectAccess } from '#app/collaboration/actions/project_access'
import { TaskStatuses } from '#app/collaboration/actions/task_statuses'
import { TaskDates } from '#app/collaboration/actions/task_dates'
import { TaskQueries } from '#app/collaboration/actions/task_queries'
import { ActivityFeed } from '#app/collaboration/actions/activity_feed'
import { findVisibleTask } from '#app/collaboration/actions/find_task'
import { renderMarkdown } from '#app/collaboration/actions/markdown'
import { TaskDependencies } from '#app/collaboration/actions/task_dependencies'
import {
  blockerValidator,
  checklistItemValidator,
  checklistToggleValidator,
  createTaskValidator,
  moveTaskValidator,
  updateTaskValidator,
} from '#app/collaboration/validators/collaboration'

/** 任务: create in a project, the task page, edit, move, complete, checklist, watch. */
export default class TasksController {
  async store({ request, params, auth, response, session, i18n }: HttpContext) {
    const company = await currentCompany()
    const project = await ProjectAccess.find(company.id, Number(params.id), auth.user!)
    const payload = await request.validateUsing(createTaskValidator)
    const task = await new ManageTasks(company.timezone).create(project, payload, auth.user!)
    session.flash('success', i18n.t('collaboration.tasks.created', { title: task.title }))
    return response.redirect().toRoute('collaboration.tasks.show', { id: task.id })
  }

  async show({ view, params, auth }: HttpContext) {
    const company = await currentCompany()
    const user = auth.user!
    const task = await findVisibleTask(company.id, Number(params.id), user)
    await task.load((loader) =>
      loader
        .load('assignee')
        .load('status')
        .load('labels')
        .load('collaborators')
        .load('checklist')
        .load('comments', (q) => q.preload('author'))
    )
    const [statuses, users, watching, activities, blockers, late, siblings, attachments] =
      await Promise.all([
        TaskStatuses.forCompany(company.id),
        User.query().whereNull('disabledAt').orderBy('fullName'),
        db.from('task_watchers').where({ task_id: task.id, user_id: user.id }).first(),
        ActivityFeed.list(company.id, user, { projectId: task.projectId, limit: 100 }).where(
          'taskId',
          task.id
        ),
        TaskDependencies.blockersOf(task.id),
        TaskDependencies.lateBlockers(company.id, [task.id]),
        Task.query()
          .where('projectId', task.projectId)
          .whereNot('id', task.id)
          .orderBy('dueAt')
          .select('id', 'title'),
        TaskAttachment.query().where('taskId', task.id).preload('uploader').orderBy('id'),
      ])
    const zone = company.timezone
    return view.render('pages/collaboration/tasks/show', {
      task,
      project: task.project,
      statuses,
      users: users.filter((u) => u.can('tasks.view')),
      watching: !!watching,
      activities,
      blockers,
      attachments,
      lateBlockers: late.get(task.id) ?? [],
      siblings: siblings.filter((s) => !blockers.some((b) => b.id === s.id)),
      descriptionHtml: renderMarkdown(task.description),
      comments: task.comments.map((c) => ({
        comment: c,
        html: renderMarkdown(c.body),
        canDelete: ProjectAccess.canDeleteComment(task.project, c, user),
      })),
      canEdit: ProjectAccess.canEditTasks(task.project, user),
      canDelete: ProjectAccess.canManage(task.project, user),
      start: TaskDates.toForm(task.startAt, task.startHasTime, zone),
      due: TaskDates.toForm(task.dueAt, task.dueHasTime, zone),
      dueLabel: TaskDates.format(task.dueAt, task.dueHasTime, zone),
      overdue: task.isOverdue(new Set(statuses.filter((s) => s.isDone).map((s) => s.id))),
    })
  }

  async update({ request, params, auth, response, session, i18n }: HttpContext) {
    const company = await currentCompany()
    const task = await findVisibleTask(company.id, Number(params.id), auth.user!)
    const payload = await request.validateUsing(updateTaskValidator)
    await new ManageTasks(company.timezone).update(
      task,
      { ...payload, collaboratorIds: payload.collaboratorIds ?? [], labels: payload.labels ?? '' },
      auth.user!
    )
    session.flash('success', i18n.t('collaboration.tasks.updated'))
    return response.redirect().toRoute('collaboration.tasks.show', { id: task.id })
  }

  /** A board drop or a move button/select: htmx gets the board back, a plain form a redirect. */
  async move({ request, params, auth, response, view }: HttpContext) {
    const company = await currentCompany()
    const user = auth.user!
    const task = await findVisibleTask(company.id, Number(params.id), user)
    const { statusId } = await request.validateUsing(moveTaskValidator)
    await new ManageTasks(company.timezone).move(task, statusId, user)
    response.header('Vary', 'HX-Request')
    if (request.header('HX-Request')) {
      const columns = await new TaskQueries(company.id, user, company.timezone).board(
        task.projectId
      )
      return view.render('components/collaboration/board', {
        project: task.project,
        columns,
        canEdit: ProjectAccess.canEditTasks(task.project, user),
        zone: company.timezone,
        movedTaskId: task.id,
      })
    }
    return response.redirect().toRoute('collaboration.board', { id: task.projectId })
  }

  /** Quick complete (My Day, task page). */
  async complete({ request, params, auth, response, view }: HttpContext) {
    const company = await currentCompany()
    const task = await findVisibleTask(company.id, Number(params.id), auth.user!)
    await new ManageTasks(company.timezone).complete(task, auth.user!)
    response.header('Vary', 'HX-Request')
    if (request.header('HX-Request')) {
      await task.load('project')
      return view.render('components/collaboration/my_day_done', { task })
    }
    return response.redirect().back()
  }

  async addChecklistItem({ request, params, auth, response }: HttpContext) {
    const company = await currentCompany()
    const task = await findVisibleTask(company.id, Number(params.id), auth.user!)
    const { title } = await request.validateUsing(checklistItemValidator)
    await new ManageTasks(company.timezone).addChecklistItem(task, title, auth.user!)
    return response.redirect().toRoute('collaboration.tasks.show', { id: task.id })
  }

  async toggleChecklistItem({ request, params, auth, response, view }: HttpContext) {
    const company = await currentCompany()
    const user = auth.user!
    const task = await findVisibleTask(company.id, Number(params.id), user)
    const { done } = await request.validateUsing(checklistToggleValidator)
    await new ManageTasks(company.timezone).setChecklistItem(
      task,
      Number(params.itemId),
      done,
      user
    )
    response.header('Vary', 'HX-Request')
    if (request.header('HX-Request')) {
      await task.load('checklist')
      return view.render('components/collaboration/checklist', {
        task,
        canEdit: ProjectAccess.canEditTasks(task.project, user),
      })
    }
    return response.redirect().toRoute('collaboration.tasks.show', { id: task.id })
  }

  async addBlocker({ request, params, auth, response }: HttpContext) {
    const company = await currentCompany()
    const task = await findVisibleTask(company.id, Number(params.id), auth.user!)
    const { blockedById } = await request.validateUsing(blockerValidator)
    await new TaskDependencies().add(task, blockedById, auth.user!)
    return response.redirect().toRoute('collaboration.tasks.show', { id: task.id })
  }

  async removeBlocker({ params, auth, response }: HttpContext) {
    const company = await currentCompany()
    const task = await findVisibleTask(company.id, Number(params.id), auth.user!)
    await new TaskDependencies().remove(task, Number(params.blockerId), auth.user!)
    return response.redirect().toRoute('collaboration.tasks.show', { id: task.id })
  }

  async watch({ params, auth, response }: HttpContext) {
    const company = await currentCompany()
    const task = await findVisibleTask(company.id, Number(params.id), auth.user!)
    await new ManageTasks(company.timezone).watch(task, auth.user!.id)
    return response.redirect().toRoute('collaboration.tasks.show', { id: task.id })
  }

  async unwatch({ params, auth, response }: HttpContext) {
    const company = await currentCompany()
    const task = await findVisibleTask(company.id, Number(params.id), auth.user!)
    await new ManageTasks(company.timezone).unwatch(task, auth.user!.id)
    return response.redirect().toRoute('collaboration.tasks.show', { id: task.id })
  }
}
