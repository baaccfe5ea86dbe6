import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { type DateTime } from 'luxon'
import { userZone } from '#app/shared/kernel/time'

/**
 * Shares what every page needs: the user's time zone with a date
 * formatter, whether this is an htmx request, and the request id in
 * the response (so a user can quote it when reporting a problem).
 */
export default class RequestContextMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    ctx.response.header('X-Request-Id', ctx.request.id() ?? '')
    if ('view' in ctx) {
      const zone = userZone(ctx.auth?.user)
      const locale = ctx.i18n?.locale ?? 'zh-CN'
      ctx.view.share({
        isHtmx: !!ctx.request.header('HX-Request'),
        currentUser: ctx.auth?.user ?? null,
        userZone: zone,
        formatDateTime: (value: DateTime | null | undefined, format = 'yyyy-MM-dd HH:mm') =>
          value ? value.setZone(zone).setLocale(locale).toFormat(format) : '',
        formatRelative: (value: DateTime | null | undefined) =>
          value ? (value.setZone(zone).setLocale(locale).toRelative() ?? '') : '',
      })
    }
    return next()
  }
}
