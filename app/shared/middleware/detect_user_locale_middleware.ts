import { I18n } from '@adonisjs/i18n'
import i18nManager from '@adonisjs/i18n/services/main'
import type { NextFn } from '@adonisjs/core/types/http'
import { type HttpContext, RequestValidator } from '@adonisjs/core/http'
import env from '#start/env'

export const LOCALE_COOKIE = 'quanzi-locale'

/**
 * Picks the language of each request: the signed-in user's choice, then the
 * language cookie (set on the login page), then the company default
 * (zh-CN). Chinese first: the browser's Accept-Language is only a last
 * resort, so an English browser on a Chinese team's intranet still sees
 * Chinese until the user switches.
 */
export default class DetectUserLocaleMiddleware {
  static {
    RequestValidator.messagesProvider = (ctx) => ctx.i18n.createMessagesProvider()
  }

  protected getRequestLocale(ctx: HttpContext) {
    const candidates = [
      // ctx.auth is absent when an error page renders before the auth middleware.
      ctx.auth?.user?.locale,
      ctx.request.cookie(LOCALE_COOKIE),
      env.get('APP_LOCALE', 'zh-CN'),
    ].filter((value): value is string => typeof value === 'string' && value.length > 0)
    return i18nManager.getSupportedLocaleFor(candidates) ?? i18nManager.defaultLocale
  }

  async handle(ctx: HttpContext, next: NextFn) {
    this.assign(ctx)
    return next()
  }

  assign(ctx: HttpContext) {
    ctx.i18n = i18nManager.locale(this.getRequestLocale(ctx))
    ctx.containerResolver.bindValue(I18n, ctx.i18n)
    if ('view' in ctx) {
      ctx.view.share({ i18n: ctx.i18n })
    }
  }
}

declare module '@adonisjs/core/http' {
  export interface HttpContext {
    i18n: I18n
  }
}
