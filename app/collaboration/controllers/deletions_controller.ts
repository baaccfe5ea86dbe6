import type { HttpContext } from '@adonisjs/core/http'
import { urlFor } from '@adonisjs/core/services/url_builder'
import TaskComment from '#app/collaboration/models/task_comment'
import { currentCompany } from '#app/organization/current_company'
import { DeleteWork } from '#app/collaboration/actions/delete_work'
import { ProjectAccess } from '#app/collaboration/actions/project_access'
import { findVisibleTask } from '#app/collaboration/actions/find_task'

/**
 * 删除 projects, tasks and comments, each behind a confirm step: the GET
 * shows what goes with it (a page, or just the confirm box for htmx), the
 * POST deletes.
 */
export default class DeletionsController {
  async confirmProject(ctx: HttpContext) {
    const company = await currentCompany()
    const project = await ProjectAccess.find(company.id, Number(ctx.params.id), ctx.auth.user!)
    ProjectAccess.assertManage(project, ctx.auth.user!)
    const summary = await new DeleteWork().summary({ projectId: project.id })
    return this.confirm(ctx, {
      message: ctx.i18n.t('collaboration.delete.project_confirm', { name: project.name }),
      summary,
      action: urlFor('collaboration.projects.destroy', { id: project.id }),
      cancel: urlFor('collaboration.projects.show', { id: project.id }),
    })
  }

  async destroyProject({ params, auth, response, session, i18n }: HttpContext) {
    const company = await currentCompany()
    const project = await ProjectAccess.find(company.id, Number(params.id), auth.user!)
    await new DeleteWork().deleteProject(project, auth.user!)
    session.flash('success', i18n.t('collaboration.delete.project_deleted', { name: project.name }))
    return response.redirect().toRoute('collaboration.projects.index')
  }

  async confirmTask(ctx: HttpContext) {
    const company = await currentCompany()
    const task = await findVisibleTask(company.id, Number(ctx.params.id), ctx.auth.user!)
    ProjectAccess.assertManage(task.project, ctx.auth.user!)
    const summary = await new DeleteWork().summary({ taskId: task.id })
    return this.confirm(ctx, {
      message: ctx.i18n.t('collaboration.delete.task_confirm', { title: task.title }),
      summary,
      action: urlFor('collaboration.tasks.destroy', { id: task.id }),
      cancel: urlFor('collaboration.tasks.show', { id: task.id }),
    })
  }

  async destroyTask({ params, auth, response, session, i18n }: HttpContext) {
    const company = await currentCompany()
    const task = await findVisibleTask(company.id, Number(params.id), auth.user!)
    await new DeleteWork().deleteTask(task, auth.user!)
    session.flash('success', i18n.t('collaboration.delete.task_deleted', { title: task.title }))
    return response.redirect().toRoute('collaboration.projects.show', { id: task.projectId })
  }

  async confirmComment(ctx: HttpContext) {
    const company = await currentCompany()
    const task = await findVisibleTask(company.id, Number(ctx.params.id), ctx.auth.user!)
    const comment = await TaskComment.query()
      .where({ id: Number(ctx.params.commentId), taskId: task.id })
      .firstOrFail()
    ProjectAccess.assertDeleteComment(task.project, comment, ctx.auth.user!)
    return this.confirm(ctx, {
      message: ctx.i18n.t('collaboration.delete.comment_confirm', {
        excerpt: comment.body.slice(0, 80),
      }),
      summary: null,
      action: urlFor('collaboration.comments.destroy', {
        id: task.id,
        commentId: comment.id,
      }),
      cancel: urlFor('collaboration.tasks.show', { id: task.id }),
    })
  }

  async destroyComment({ params, auth, response, session, i18n }: HttpContext) {
    const company = await currentCompany()
    const task = await findVisibleTask(company.id, Number(params.id), auth.user!)
    await new DeleteWork().deleteComment(task, Number(params.commentId), auth.user!)
    session.flash('success', i18n.t('collaboration.delete.comment_deleted'))
    return response.redirect().toRoute('collaboration.tasks.show', { id: task.id })
  }

  private confirm(
    { request, response, view }: HttpContext,
    state: { message: string; summary: unknown; action: string; cancel: string }
  ) {
    response.header('Vary', 'HX-Request')
    if (request.header('HX-Request')) {
      return view.render('components/collaboration/confirm_delete', state)
    }
    return view.render('pages/collaboration/confirm_delete', state)
  }
}
