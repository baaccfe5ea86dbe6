import { BaseCommand } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/**
 * The worker process: executes jobs and owns the schedules. With
 * REDIS_URL it consumes BullMQ; without, it polls the database like the
 * web process does (useful to keep heavy imports off the web process).
 * SIGTERM/SIGINT stop taking work and wait for running jobs.
 */
export default class QueueWork extends BaseCommand {
  static commandName = 'queue:work'
  static description =
    'Run the job worker (BullMQ when REDIS_URL is set, database polling otherwise)'
  static options: CommandOptions = { startApp: true, staysAlive: true }

  async run() {
    const { default: queue } = await import('#start/jobs')
    await queue.start('worker')
    this.logger.info(
      `queue worker started: driver=${queue.driverName} jobs=${queue.registeredJobs.length} schedules=${queue.schedules.length}`
    )

    const stop = async (signal: string) => {
      this.logger.info(`${signal}: finishing running jobs`)
      await this.app.terminate()
    }
    process.once('SIGTERM', () => void stop('SIGTERM'))
    process.once('SIGINT', () => void stop('SIGINT'))
  }
}
