import { Exception } from '@adonisjs/core/exceptions'

/**
 * A rule of the business was broken (not enough points, a phone number
 * that is not a phone number …). Each has a stable code for API clients and
 * a translation key for people; the exception handler renders it as a
 * status page, an htmx fragment or JSON.
 */
export class DomainError extends Exception {
  constructor(
    code: string,
    readonly translationKey: string,
    status = 422,
    readonly data: Record<string, unknown> = {}
  ) {
    super(translationKey, { code, status })
  }
}

/** The signed-in user's role does not allow this. */
export class ForbiddenError extends DomainError {
  constructor(translationKey = 'errors.forbidden') {
    super('E_FORBIDDEN', translationKey, 403)
  }
}
