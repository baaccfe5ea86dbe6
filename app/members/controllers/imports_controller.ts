import { currentCompany } from '#app/organization/current_company'
import type { HttpContext } from '@adonisjs/core/http'
import { randomUUID } from 'node:crypto'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import queue from '#app/shared/queue/queue'
import JobRun from '#app/shared/queue/models/job_run'
import Import from '#app/members/models/import'
import { ExecuteImport } from '#app/members/actions/execute_import'
import { importFields, RunImport, readSample } from '#app/members/imports/run_import'
import { ColumnMappings, columnsOf } from '#app/members/imports/column_mappings'
import { mapHeader } from '#app/members/imports/columns'
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

  async preview(ctx: HttpContext) {
    const { request, auth, i18n } = ctx
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
    return this.#renderPreview(ctx, record, shopId ?? null)
  }

  /** GET /imports/:id/preview: the preview again (after the columns were mapped). */
  async showPreview(ctx: HttpContext) {
    const record = await this.#queued(ctx.params.id)
    const shopId = Number(ctx.request.input('shopId')) || null
    return this.#renderPreview(ctx, record, shopId)
  }

  /** GET /imports/:id/mapping: which field each column of the file is (列映射). */
  async mapping({ params, request, view }: HttpContext) {
    const record = await this.#queued(params.id)
    const company = await currentCompany()
    const { fields, attributes } = await importFields(record.kind, company.id)
    const { headers, samples } = await readSample(record.filePath)
    const saved = await new ColumnMappings().find(company.id, record.kind, headers)
    const columns = saved?.columns ?? columnsOf(mapHeader(headers, fields))
    return view.render('pages/members/imports/mapping', {
      record,
      headers,
      samples,
      columns,
      saved: !!saved,
      fields: Object.entries(fields).map(([name, aliases]) => ({
        name,
        hint: aliases[0] ?? '',
        attribute: attributes.has(name),
      })),
      shopId: Number(request.input('shopId')) || null,
    })
  }

  /** POST /imports/:id/mapping: save the mapping for this header, then preview with it. */
  async saveMapping({ params, request, response, auth }: HttpContext) {
    const record = await this.#queued(params.id)
    const company = await currentCompany()
    const { headers } = await readSample(record.filePath, 0)
    const input = request.input('columns', [])
    const columns = headers.map((_, i) => {
      const value = Array.isArray(input) ? input[i] : input?.[i]
      return typeof value === 'string' ? value.trim() : ''
    })
    const { fields } = await importFields(record.kind, company.id)
    await new ColumnMappings().save(company.id, record.kind, headers, columns, fields, auth.user!)
    const shopId = Number(request.input('shopId')) || null
    return response
      .redirect()
      .toRoute('imports.preview.show', { id: record.id }, { qs: shopId ? { shopId } : {} })
  }

  async #renderPreview(
    { view, session, response, i18n }: HttpContext,
    record: Import,
    shopId: number | null
  ) {
    try {
      const summary = await new RunImport().handle({
        companyId: record.companyId,
        kind: record.kind,
        path: record.filePath,
        dryRun: true,
        limit: PREVIEW_ROWS,
        defaultShopId: shopId,
        locale: i18n.locale,
      })
      return view.render('pages/members/imports/preview', { record, summary, shopId })
    } catch (error) {
      if (!(error instanceof DomainError)) throw error
      const message = i18n.t(error.translationKey, error.data)
      session.flash('error', message)
      if (error.code === 'E_IMPORT_COLUMNS') {
        // Not the standard format nor a known preset: let the user say which column is what.
        return response
          .redirect()
          .toRoute('imports.mapping', { id: record.id }, { qs: shopId ? { shopId } : {} })
      }
      record.merge({ status: 'failed', error: message })
      await record.save()
      return response.redirect().toRoute('imports.index')
    }
  }

  /** An upload that has not been started yet (mapping and preview only make sense before the run). */
  async #queued(id: number) {
    const company = await currentCompany()
    const record = await Import.query().where({ id, companyId: company.id }).firstOrFail()
    if (record.status !== 'queued' || record.jobRunId) {
      throw new DomainError('E_IMPORT_STARTED', 'imports.errors.already_started', 422)
    }
    return record
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
