import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import type { Permission } from '#app/identity/roles'
import { ForbiddenError } from '#app/shared/errors/domain_error'

/**
 * Route-level permission check against the matrix in roles.ts:
 * `.use(middleware.can('members.view'))`. Finer checks (own records, …)
 * belong to policies.
 */
export default class RequirePermissionMiddleware {
  async handle(ctx: HttpContext, next: NextFn, permission: Permission) {
    if (await ctx.bouncer.denies('permission', permission)) {
      throw new ForbiddenError()
    }
    return next()
  }
}
