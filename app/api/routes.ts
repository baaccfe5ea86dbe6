import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'
import { apiThrottle } from '#start/limiter'
import { controllers } from '#generated/controllers'

/**
 * /api/v1: JSON only, personal access tokens (`Authorization: Bearer qz_…`),
 * rate-limited per token, permissions from the token owner's role. Modules
 * add their endpoints inside `apiV1(() => …)` so every route gets the same
 * guard, limiter and error format — and each one is listed in
 * docs/openapi.json (a test checks both ways).
 */
export function apiV1(routes: () => void) {
  return router
    .group(routes)
    .prefix('/api/v1')
    .use([middleware.auth({ guards: ['api'] }), apiThrottle])
}

router.get('/api/v1/openapi.json', [controllers.api.OpenApi, 'show']).as('api.openapi')

apiV1(() => {
  router.get('/me', [controllers.api.Me, 'show']).as('api.me')
  router
    .get('/users', [controllers.api.Users, 'index'])
    .as('api.users.index')
    .use(middleware.can('users.manage'))
  router
    .get('/audit-events', [controllers.api.AuditEvents, 'index'])
    .as('api.audit_events.index')
    .use(middleware.can('audit.view'))
  router
    .get('/jobs/:id', [controllers.api.JobRuns, 'show'])
    .as('api.jobs.show')
    .where('id', router.matchers.number())
})
