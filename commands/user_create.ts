import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { ROLES, isRole } from '#app/identity/roles'

/**
 * Creates a staff account from the shell: the first owner of a fresh
 * production install, or accounts made by scripts.
 */
export default class UserCreate extends BaseCommand {
  static commandName = 'user:create'
  static description = 'Create a staff account (e.g. the first owner)'
  static options: CommandOptions = { startApp: true }

  @flags.string({ description: 'Email address (the login)', required: true })
  declare email: string

  @flags.string({ description: 'Password (10+ characters)', required: true })
  declare password: string

  @flags.string({ description: `Role: ${ROLES.join(', ')}`, default: 'owner' })
  declare role: string

  @flags.string({ description: 'Full name', alias: 'n' })
  declare name?: string

  @flags.string({ description: 'Mainland mobile number (optional second login)' })
  declare phone?: string

  async run() {
    const { createUserValidator } = await import('#app/identity/validators/user')
    const { ManageUsers } = await import('#app/identity/actions/manage_users')
    const { errors } = await import('@vinejs/vine')

    if (!isRole(this.role)) {
      this.logger.error(`Unknown role "${this.role}". Use one of: ${ROLES.join(', ')}`)
      this.exitCode = 1
      return
    }

    try {
      const payload = await createUserValidator.validate({
        fullName: this.name ?? this.email.split('@')[0],
        email: this.email,
        phone: this.phone,
        role: this.role,
        password: this.password,
      })
      const user = await new ManageUsers().create(payload, null)
      this.logger.success(`Created ${user.role} ${user.email} (id ${user.id})`)
    } catch (error) {
      if (error instanceof errors.E_VALIDATION_ERROR) {
        for (const message of error.messages)
          this.logger.error(`${message.field}: ${message.message}`)
      } else {
        this.logger.error((error as Error).message)
      }
      this.exitCode = 1
    }
  }
}
