import type { HttpContext } from '@adonisjs/core/http'
import drive from '@adonisjs/drive/services/main'
import { currentCompany } from '#app/organization/current_company'
import { findVisibleTask } from '#app/collaboration/actions/find_task'
import { TaskAttachments } from '#app/collaboration/actions/task_attachments'
import { attachmentValidator } from '#app/collaboration/validators/collaboration'

/** Types a browser may show inline; everything else downloads as bytes. */
const INLINE_TYPES = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'application/pdf',
])

/** 附件: upload to, download from and remove from a task. */
export default class TaskAttachmentsController {
  async store({ request, params, auth, response, session, i18n }: HttpContext) {
    const company = await currentCompany()
    const task = await findVisibleTask(company.id, Number(params.id), auth.user!)
    const { file } = await request.validateUsing(attachmentValidator)
    const attachment = await new TaskAttachments().add(task, file, auth.user!)
    session.flash(
      'success',
      i18n.t('collaboration.attachments.added', { name: attachment.fileName })
    )
    return response.redirect().toRoute('collaboration.tasks.show', { id: task.id })
  }

  async show({ params, auth, response }: HttpContext) {
    const company = await currentCompany()
    const task = await findVisibleTask(company.id, Number(params.id), auth.user!)
    const attachment = await TaskAttachments.find(task, Number(params.attachmentId))
    const type = attachment.mime && INLINE_TYPES.has(attachment.mime) ? attachment.mime : null
    response.header('Content-Type', type ?? 'application/octet-stream')
    response.header('X-Content-Type-Options', 'nosniff')
    response.attachment(attachment.fileName)
    return response.stream(await drive.use().getStream(attachment.diskKey))
  }

  async destroy({ params, auth, response }: HttpContext) {
    const company = await currentCompany()
    const task = await findVisibleTask(company.id, Number(params.id), auth.user!)
    await new TaskAttachments().remove(task, Number(params.attachmentId), auth.user!)
    return response.redirect().toRoute('collaboration.tasks.show', { id: task.id })
  }
}
