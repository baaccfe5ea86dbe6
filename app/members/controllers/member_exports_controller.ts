import { currentCompany } from '#app/organization/current_company'
import type { HttpContext } from '@adonisjs/core/http'
import drive from '@adonisjs/drive/services/main'
import JobRun from '#app/shared/queue/models/job_run'
import queue from '#app/shared/queue/queue'
import { ForbiddenError } from '#app/shared/errors/domain_error'
import { roleAllows } from '#app/identity/roles'
import { memberFiltersValidator } from '#app/members/validators/member'
import { memberFilterParams } from '#app/members/member_filter_params'
import {
  exportMembersJob,
  memberExportFile,
  type ExportMembersPayload,
} from '#app/members/jobs/export_members_job'
import { exportOptionsValidator } from '#app/members/validators/member'
import { TABLE_CONTENT_TYPES } from '#app/shared/storage/table_file'

/** 导出会员 / 导出订单: start an export of the filtered list, watch it, download the file. */
export default class MemberExportsController {
  async store({ request, response, auth }: HttpContext) {
    const company = await currentCompany()
    const filters = memberFilterParams(request.all(), { withSort: true })
    await memberFiltersValidator.validate(filters)
    const { subject, format } = await request.validateUsing(exportOptionsValidator)
    const user = auth.user!
    const run = await queue.dispatch(
      exportMembersJob,
      {
        companyId: company.id,
        userId: user.id,
        filters,
        unmask: roleAllows(user.role, 'members.phone.unmask'),
        subject: subject ?? 'members',
        format: format ?? 'csv',
      },
      { requestedBy: user }
    )
    return response.redirect().toRoute('members.exports.show', { id: run.id })
  }

  async show({ params, view, auth, request, response }: HttpContext) {
    const run = await this.#ownRun(params.id, auth.user!.id)
    response.header('Vary', 'HX-Request')
    if (request.header('HX-Request'))
      return view.render('components/members/export_status', { run })
    return view.render('pages/members/export', { run })
  }

  async download({ params, response, auth }: HttpContext) {
    const run = await this.#ownRun(params.id, auth.user!.id)
    if (run.status !== 'completed')
      return response.redirect().toRoute('members.exports.show', { id: run.id })
    const file = memberExportFile(run.id, run.payload as ExportMembersPayload)
    response.header('Content-Type', TABLE_CONTENT_TYPES[file.format])
    response.attachment(`${file.subject}-${run.id}.${file.format}`)
    return response.stream(await drive.use().getStream(file.key))
  }

  /** An export's file holds personal data: only the person who made it downloads it. */
  async #ownRun(id: number, userId: number) {
    const run = await JobRun.query()
      .where('id', id)
      .where('job_name', exportMembersJob.name)
      .firstOrFail()
    if (run.requestedById !== userId) throw new ForbiddenError()
    return run
  }
}
