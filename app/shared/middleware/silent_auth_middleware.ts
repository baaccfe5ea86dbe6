import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'

/**
 * Finds out who is signed in (if anyone) on every request, so the layout,
 * the locale and error pages know the user without requiring a login.
 */
export default class SilentAuthMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    if (!ctx.request.url().startsWith('/api/')) {
      await ctx.auth.check()
    }
    return next()
  }
}
