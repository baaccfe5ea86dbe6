import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/**
 * `npm run dev` runs this first: migrate, seed the demo company on a fresh
 * database (unless DEMO_DATA=false), and print how to sign in.
 */
export default class Setup extends BaseCommand {
  static commandName = 'setup'
  static description = 'Migrate the database and, on a fresh install, seed the demo data'
  static options: CommandOptions = { startApp: true }

  @flags.boolean({ description: 'Seed demo data even if DEMO_DATA=false' })
  declare demo: boolean

  async run() {
    const { default: env } = await import('#start/env')
    await this.kernel.exec('migration:run', ['--force'])

    const { default: User } = await import('#app/identity/models/user')
    const fresh = !(await User.query().first())
    const wantDemo = this.demo || env.get('DEMO_DATA', !this.app.inProduction)

    if (fresh && wantDemo) {
      await this.kernel.exec('db:seed', ['--files', 'database/seeders/demo_seeder.ts'])
    }

    const { DEMO_STAFF, DEMO_PASSWORD } = await import('#database/seeders/demo_seeder')
    const demoOwner = await User.findBy('email', DEMO_STAFF[0].email)
    if (demoOwner) {
      const table = this.ui.table()
      table.head(['Role', 'Login (email)', 'Password'])
      for (const staff of DEMO_STAFF) table.row([staff.role, staff.email, DEMO_PASSWORD])
      this.logger.info(`Demo logins for ${env.get('APP_URL')}:`)
      table.render()
    } else if (fresh) {
      this.logger.info('No users yet. Create the first owner with:')
      this.logger.info(
        '  node ace user:create --email you@company.cn --password "<10+ characters>" --role owner'
      )
    }
  }
}
