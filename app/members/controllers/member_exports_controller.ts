import { currentCompany } from '#app/organization/current_company'
import type { HttpContext } from '@adonisjs/core/http'
import drive from '@adonisjs/drive/services/main'
import JobRun from '#app/shared/queue/models/job_run'
import queue from '#app/shared/queue/queue'
import { ForbiddenError } from '#app/shared/errors/domain_error'
import { roleAllows } from '#app/identity/roles'
import { memberFiltersValidator } from '#app/members/validators/member'
import { memberFilterParams } from '#app/members/member_filter_params'
import { exportMembersJob, memberExportKey } from '#app/members/jobs/export_members_job'

/** 导出会员: start an export of the filtered list, watch it, download the file. */
export default class MemberExportsController {
  async store({ request, response, auth }: HttpContext) {
    const company = await currentCompany()
    const filters = memberFilterParams(request.all(), { withSort: true })
    await memberFiltersValidator.validate(filters)
    const user = auth.user!
    const run = await queue.dispatch(
      exportMembersJob,
      {
        companyId: company.id,
        userId: user.id,
        filters,
        unmask: roleAllows(user.role, 'members.phone.unmask'),
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
    const key = memberExportKey(run.id)
    response.header('Content-Type', 'text/csv; charset=utf-8')
    response.attachment(`members-${run.id}.csv`)
    return response.stream(await drive.use().getStream(key))
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
