import app from '@adonisjs/core/services/app'
import { type HttpContext, ExceptionHandler } from '@adonisjs/core/http'
import type { StatusPageRange, StatusPageRenderer } from '@adonisjs/core/types/http'
import { errors as authErrors } from '@adonisjs/auth'
import { errors as bouncerErrors } from '@adonisjs/bouncer'
import { errors as vineErrors } from '@vinejs/vine'
import { errors as shieldErrors } from '@adonisjs/shield'
import { errors as lucidErrors } from '@adonisjs/lucid'
import { errors as limiterErrors } from '@adonisjs/limiter'
import { DomainError } from '#app/shared/errors/domain_error'
import { apiError } from '#app/shared/http/api_error'
import DetectUserLocaleMiddleware from '#app/shared/middleware/detect_user_locale_middleware'

/**
 * Turns any error into what the caller can use:
 * - /api/v1 callers always get the one JSON error format (docs/api.md);
 * - htmx requests get a small fragment for the flash area, never a whole page;
 * - browsers get a translated status page (403, 404, 500 …).
 */
export default class HttpExceptionHandler extends ExceptionHandler {
  protected debug = !app.inProduction
  protected renderStatusPages = true

  protected statusPages: Record<StatusPageRange, StatusPageRenderer> = {
    '403': (error, { view }) => view.render('pages/errors/forbidden', { error }),
    '404': (error, { view }) => view.render('pages/errors/not_found', { error }),
    '429': (error, { view }) => view.render('pages/errors/too_many_requests', { error }),
    '500..599': (error, { view }) => view.render('pages/errors/server_error', { error }),
  }

  async handle(error: unknown, ctx: HttpContext) {
    // Errors raised before the router middleware ran (unknown URL, bad CSRF
    // token) still need a language to render the page in.
    if (!ctx.i18n) new DetectUserLocaleMiddleware().assign(ctx)

    if (ctx.request.url().startsWith('/api/')) {
      return this.renderJson(error, ctx)
    }

    if (error instanceof shieldErrors.E_BAD_CSRF_TOKEN) {
      if (ctx.request.header('HX-Request')) {
        return this.renderFragment(ctx, 403, ctx.i18n.t('errors.csrf'))
      }
      return ctx.response
        .status(403)
        .send(
          await ctx.view.render('pages/errors/forbidden', { reason: ctx.i18n.t('errors.csrf') })
        )
    }

    if (error instanceof DomainError || error instanceof bouncerErrors.E_AUTHORIZATION_FAILURE) {
      const status = error instanceof DomainError ? error.status : 403
      const message = this.translate(error, ctx)
      if (ctx.request.header('HX-Request')) {
        return this.renderFragment(ctx, status, message)
      }
      if (status === 403) {
        return ctx.response
          .status(403)
          .send(await ctx.view.render('pages/errors/forbidden', { reason: message }))
      }
      ctx.session.flash('error', message)
      return ctx.response.redirect().back()
    }

    if (error instanceof lucidErrors.E_ROW_NOT_FOUND && ctx.request.header('HX-Request')) {
      return this.renderFragment(ctx, 404, ctx.i18n.t('errors.not_found'))
    }

    return super.handle(error, ctx)
  }

  async report(error: unknown, ctx: HttpContext) {
    return super.report(error, ctx)
  }

  private translate(
    error: DomainError | InstanceType<typeof bouncerErrors.E_AUTHORIZATION_FAILURE>,
    ctx: HttpContext
  ) {
    if (error instanceof DomainError) {
      return ctx.i18n.t(error.translationKey, error.data as Record<string, any>)
    }
    return ctx.i18n.t('errors.forbidden')
  }

  private async renderFragment(ctx: HttpContext, status: number, message: string) {
    ctx.response.header('HX-Retarget', '#flash')
    ctx.response.header('HX-Reswap', 'innerHTML')
    return ctx.response
      .status(status)
      .send(await ctx.view.render('components/shared/flash_message', { kind: 'error', message }))
  }

  private async renderJson(error: unknown, ctx: HttpContext) {
    const { response } = ctx
    const t = (key: string, data?: Record<string, any>) => ctx.i18n?.t(key, data) ?? key

    if (error instanceof vineErrors.E_VALIDATION_ERROR) {
      return response
        .status(422)
        .send(apiError('E_VALIDATION_ERROR', t('errors.validation'), (error as any).messages))
    }
    if (error instanceof authErrors.E_UNAUTHORIZED_ACCESS) {
      return response.status(401).send(apiError('E_UNAUTHORIZED', t('errors.unauthorized')))
    }
    if (error instanceof bouncerErrors.E_AUTHORIZATION_FAILURE) {
      return response.status(403).send(apiError('E_FORBIDDEN', t('errors.forbidden')))
    }
    if (error instanceof DomainError) {
      return response
        .status(error.status)
        .send(
          apiError(error.code!, t(error.translationKey, error.data as any), undefined, error.data)
        )
    }
    if (error instanceof lucidErrors.E_ROW_NOT_FOUND) {
      return response.status(404).send(apiError('E_NOT_FOUND', t('errors.not_found')))
    }
    if (error instanceof limiterErrors.E_TOO_MANY_REQUESTS) {
      for (const [name, value] of Object.entries(error.getDefaultHeaders()))
        response.header(name, value)
      return response
        .status(429)
        .send(apiError('E_TOO_MANY_REQUESTS', t('errors.too_many_requests')))
    }
    const status = (error as any)?.status ?? 500
    if (status === 404) {
      return response.status(404).send(apiError('E_NOT_FOUND', t('errors.not_found')))
    }
    if (status >= 500) {
      await this.report(error, ctx)
      return response
        .status(status)
        .send(
          apiError('E_INTERNAL', t('errors.server'), undefined, { requestId: ctx.request.id() })
        )
    }
    return response
      .status(status)
      .send(
        apiError((error as any)?.code ?? 'E_BAD_REQUEST', (error as any)?.message ?? 'Bad request')
      )
  }
}
