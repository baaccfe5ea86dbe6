import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'
import { controllers } from '#generated/controllers'

router
  .group(() => {
    router
      .get('/settings/jobs', [controllers.shared.queue.JobRuns, 'index'])
      .as('jobs.index')
      .use(middleware.can('jobs.view'))
    router
      .post('/settings/jobs/:id/retry', [controllers.shared.queue.JobRuns, 'retry'])
      .as('jobs.retry')
      .where('id', router.matchers.number())
      .use(middleware.can('jobs.view'))
    // Whoever started a run may watch it, whatever their role.
    router
      .get('/jobs/:id/progress', [controllers.shared.queue.JobRuns, 'progress'])
      .as('jobs.progress')
      .where('id', router.matchers.number())
  })
  .use(middleware.auth())
