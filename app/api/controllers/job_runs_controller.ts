import type { HttpContext } from '@adonisjs/core/http'
import JobRun from '#app/shared/queue/models/job_run'
import { ForbiddenError } from '#app/shared/errors/domain_error'
import { serializeJobRun } from '#app/api/serializers'

/** GET /api/v1/jobs/:id: a job run's status and progress (imports, exports … started through the API). */
export default class JobRunsController {
  async show({ params, auth }: HttpContext) {
    const run = await JobRun.findOrFail(params.id)
    const user = auth.user!
    if (run.requestedById !== user.id && !user.can('jobs.view')) throw new ForbiddenError()
    return { data: serializeJobRun(run) }
  }
}
