import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/**
 * Creates a personal access token for /api/v1 from the shell. The token is
 * the last line printed, alone, so scripts can take it with `tail -n 1`.
 */
export default class TokenCreate extends BaseCommand {
  static commandName = 'token:create'
  static description = 'Create an API token for a staff account (the token is the last line)'
  static options: CommandOptions = { startApp: true }

  @flags.string({ description: 'Email of the staff account', required: true })
  declare email: string

  @flags.string({ description: 'What the token is for', default: 'cli' })
  declare name: string

  @flags.number({ description: 'Expire after this many days (default: never)' })
  declare days?: number

  async run() {
    const { default: User } = await import('#app/identity/models/user')
    const { ManageAccessTokens } = await import('#app/identity/actions/manage_access_tokens')
    const { accessTokenValidator } = await import('#app/identity/validators/user')
    const { DomainError } = await import('#app/shared/errors/domain_error')
    const { errors } = await import('@vinejs/vine')

    const user = await User.findBy('email', this.email.trim().toLowerCase())
    if (!user) {
      this.logger.error(`No staff account with email ${this.email}`)
      this.exitCode = 1
      return
    }
    if (user.isDisabled) {
      this.logger.error(`${user.email} is disabled; enable it before creating tokens`)
      this.exitCode = 1
      return
    }
    try {
      const input = await accessTokenValidator.validate({
        name: this.name,
        expiresInDays: this.days,
      })
      const secret = await new ManageAccessTokens().create(user, input, null)
      this.logger.success(`Created token "${input.name}" for ${user.email} (${user.role})`)
      this.logger.log(secret)
    } catch (error) {
      if (error instanceof errors.E_VALIDATION_ERROR) {
        for (const message of error.messages)
          this.logger.error(`${message.field}: ${message.message}`)
      } else if (error instanceof DomainError) {
        this.logger.error(`${user.email} (${user.role}) may not hold API tokens`)
      } else {
        this.logger.error((error as Error).message)
      }
      this.exitCode = 1
    }
  }
}
