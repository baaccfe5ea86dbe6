import type { HttpContext } from '@adonisjs/core/http'
import { healthChecks } from '#app/operations/health'

/**
 * GET /health for load balancers and monitoring: 200 when every check
 * passes, 503 otherwise, with the report as JSON.
 */
export default class HealthController {
  async show({ response }: HttpContext) {
    const report = await healthChecks.run()
    return response.status(report.isHealthy ? 200 : 503).send(report)
  }
}
