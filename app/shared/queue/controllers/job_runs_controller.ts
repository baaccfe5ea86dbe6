import type { HttpContext } from '@adonisjs/core/http'
import JobRun, { JOB_STATUSES } from '#app/shared/queue/models/job_run'
import queue from '#app/shared/queue/queue'
import { AuditLog } from '#app/shared/audit/audit_log'
import { DomainError, ForbiddenError } from '#app/shared/errors/domain_error'

/** Settings → Jobs: every run with its progress; a progress fragment any page can poll. */
export default class JobRunsController {
  static readonly PAGE_SIZE = 50

  async index({ request, view }: HttpContext) {
    const filters = request.only(['status', 'job', 'before'])
    const runs = await JobRun.query()
      .preload('requestedBy')
      .if(JOB_STATUSES.includes(filters.status), (q) => q.where('status', filters.status))
      .if(filters.job, (q) => q.where('job_name', filters.job))
      .if(Number(filters.before) > 0, (q) => q.where('id', '<', Number(filters.before)))
      .orderBy('id', 'desc')
      .limit(JobRunsController.PAGE_SIZE + 1)

    const hasMore = runs.length > JobRunsController.PAGE_SIZE
    const page = runs.slice(0, JobRunsController.PAGE_SIZE)
    return view.render('pages/jobs/index', {
      runs: page,
      filters,
      statuses: JOB_STATUSES,
      jobNames: queue.registeredJobs,
      driver: queue.driverName,
      nextBefore: hasMore ? page[page.length - 1].id : null,
    })
  }

  /** The progress bar of one run; polls itself while the run is unfinished. */
  async progress({ params, response, view, auth, bouncer }: HttpContext) {
    const run = await JobRun.findOrFail(params.id)
    const mayView =
      run.requestedById === auth.user!.id || (await bouncer.allows('permission', 'jobs.view'))
    if (!mayView) throw new ForbiddenError()
    response.header('Vary', 'HX-Request')
    return view.render('components/jobs/progress', { run })
  }

  async retry({ params, response, session, i18n }: HttpContext) {
    const run = await JobRun.findOrFail(params.id)
    if (run.status !== 'failed') throw new DomainError('E_JOB_NOT_FAILED', 'jobs.not_failed', 409)
    run.merge({ status: 'queued', attempts: 0, finishedAt: null, availableAt: null })
    await run.save()
    await queue.driver.enqueue(run)
    await AuditLog.record({
      entityType: 'job_run',
      entityId: run.id,
      action: 'retry',
      context: { job: run.jobName },
    })
    session.flash('success', i18n.t('jobs.retried'))
    return response.redirect().toRoute('jobs.index')
  }
}
