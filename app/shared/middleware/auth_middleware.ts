import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import type { Authenticators } from '@adonisjs/auth/types'
import { urlFor } from '@adonisjs/core/services/url_builder'
import { errors as authErrors } from '@adonisjs/auth'
import DetectUserLocaleMiddleware from '#app/shared/middleware/detect_user_locale_middleware'

/**
 * Lets signed-in, enabled users through. A page request without a session
 * is redirected to the login page; an htmx request gets `HX-Redirect`, so
 * an expired session reloads the login page instead of swapping a login
 * form into a fragment.
 */
export default class AuthMiddleware {
  async handle(
    ctx: HttpContext,
    next: NextFn,
    options: { guards?: (keyof Authenticators)[] } = {}
  ) {
    const loginRoute = urlFor('session.create')

    if (ctx.request.header('HX-Request') && !ctx.request.url().startsWith('/api/')) {
      const signedIn = await ctx.auth.check()
      if (!signedIn) {
        ctx.response.header('HX-Redirect', loginRoute)
        return ctx.response.status(200).send('')
      }
    }

    await ctx.auth.authenticateUsing(options.guards, { loginRoute })

    const user = ctx.auth.user!
    if (options.guards?.includes('api')) {
      // A disabled account's tokens stop working at once, with the API's 401.
      if (user.isDisabled) {
        throw new authErrors.E_UNAUTHORIZED_ACCESS('Unauthorized access', {
          guardDriverName: 'access_tokens',
        })
      }
      // The locale was picked before the token was read: answer in its owner's language.
      new DetectUserLocaleMiddleware().assign(ctx)
      return next()
    }
    if (user.isDisabled) {
      if (ctx.auth.defaultGuard === 'web') await ctx.auth.use('web').logout()
      ctx.session?.flash('error', ctx.i18n.t('auth.disabled'))
      return ctx.response.redirect(loginRoute)
    }

    return next()
  }
}
