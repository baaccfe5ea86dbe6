import type { HttpContext } from '@adonisjs/core/http'
import { currentCompany } from '#app/organization/current_company'
import { CommentOnTask } from '#app/collaboration/actions/comment_on_task'
import { findVisibleTask } from '#app/collaboration/actions/find_task'
import { commentValidator } from '#app/collaboration/validators/collaboration'

/** 评论 with @mentions. */
export default class TaskCommentsController {
  async store({ request, params, auth, response }: HttpContext) {
    const company = await currentCompany()
    const task = await findVisibleTask(company.id, Number(params.id), auth.user!)
    const { body } = await request.validateUsing(commentValidator)
    await new CommentOnTask().handle(task, body, auth.user!, company.timezone)
    return response.redirect().toRoute('collaboration.tasks.show', { id: task.id })
  }
}
