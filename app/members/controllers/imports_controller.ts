import { currentCompany } from '#app/organization/current_company'
import type { HttpContext } from '@adonisjs/core/http'
import { randomUUID } from 'node:crypto'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import queue from '#app/shared/queue/queue'
import JobRun from '#app/shared/queue/models/job_run'
import Import from '#app/members/models/import'
import { ExecuteImport } from '#app/members/actions/execute_import'
import { RunImport } from '#app/members/imports/run_import'
import { importJob } from '#app/members/jobs/import_job'
import { importUploadValidator } from '#app/members/validators/member'
import { DomainError } from '#app/shared/errors/domain_error'

const PREVIEW_ROWS = 20

/** Upload → preview (a dry run of the first rows) → background job with progress → summary and rejects. */
export default class ImportsController {
  async index({ view }: HttpContext) {
    const company = await currentCompany()
    const [imports, shops] = await Promise.all([
      Import.query().where('companyId', company.id).orderBy('id', 'desc').limit(50),
      db.from('shops').where('company_id', company.id).orderBy('id').select('id', 'name'),
    ])
    return view.render('pages/members/imports/index', { imports, shops })
  }

  async preview({ request, view, auth, session, response, i18n }: HttpContext) {
    const company = await currentCompany()
    const { kind, shopId, file } = await request.validateUsing(importUploadValidator, {
      messagesProvider: i18n.createMessagesProvider('imports.validator'),
    })
    const fileName = `${randomUUID()}.${file.extname === 'xlsx' ? 'xlsx' : 'csv'}`
    await file.move(app.tmpPath('imports', 'uploads'), { name: fileName })
    const record = await new ExecuteImport().record({
      companyId: company.id,
      kind,
      fileName: file.clientName,
      filePath: app.tmpPath('imports', 'uploads', fileName),
      requestedById: auth.user!.id,
    })
    try {
      const summary = await new RunImport().handle({
        companyId: company.id,
        kind,
        path: record.filePath,
        dryRun: true,
        limit: PREVIEW_ROWS,
        defaultShopId: shopId ?? null,
        locale: i18n.locale,
      })
      return view.render('pages/members/imports/preview', {
        record,
        summary,
        shopId: shopId ?? null,
      })
    } catch (error) {
      if (!(error instanceof DomainError)) throw error
      record.merge({ status: 'failed', error: i18n.t(error.translationKey, error.data) })
      await record.save()
      session.flash('error', record.error!)
      return response.redirect().toRoute('imports.index')
    }
  }

  async store({ params, request, auth, response }: HttpContext) {
    const record = await Import.findOrFail(params.id)
    if (!record.jobRunId && record.status === 'queued') {
      const shopId = request.input('shopId') ? Number(request.input('shopId')) : null
      const run = await queue.dispatch(
        importJob,
        { importId: record.id, shopId },
        { idempotencyKey: `members.import:${record.id}`, requestedBy: auth.user }
      )
      record.jobRunId = run.id
      await record.save()
    }
    return response.redirect().toRoute('imports.show', { id: record.id })
  }

  async show({ params, view }: HttpContext) {
    const record = await Import.findOrFail(params.id)
    const run = record.jobRunId ? await JobRun.find(record.jobRunId) : null
    return view.render('pages/members/imports/show', { record, run })
  }

  async rejects({ params, response }: HttpContext) {
    const record = await Import.findOrFail(params.id)
    if (!record.rejectsPath) return response.notFound()
    response.header('content-type', 'text/csv; charset=utf-8')
    return response.attachment(record.rejectsPath, `import-${record.id}-rejects.csv`)
  }
}
