import type { ApplicationService } from '@adonisjs/core/types'

/**
 * Starts the job queue with the app: the web process runs jobs itself when
 * there is no Redis (and only enqueues when there is); tests run them
 * in-process. `node ace queue:work` starts the worker role itself.
 * Closing waits for running jobs, so a deploy does not strand them.
 */
export default class QueueProvider {
  constructor(protected app: ApplicationService) {}

  async ready() {
    if (this.app.getEnvironment() !== 'web' && this.app.getEnvironment() !== 'test') return
    const { default: queue } = await import('#start/jobs')
    await queue.start(this.app.getEnvironment() === 'test' ? 'test' : 'web')
  }

  async shutdown() {
    const { default: queue } = await import('#app/shared/queue/queue')
    await queue.close()
  }
}
