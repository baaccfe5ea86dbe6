import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'

/**
 * One log line per request (JSON in production), carrying the request id
 * that error pages show, so "request 3f2a…" from a user leads to the line.
 */
export default class RequestLogMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    const started = process.hrtime.bigint()
    try {
      await next()
    } finally {
      const url = ctx.request.url()
      if (!url.startsWith('/assets/') && !url.startsWith('/@') && !url.startsWith('/resources/')) {
        ctx.logger.info(
          {
            method: ctx.request.method(),
            url,
            status: ctx.response.getStatus(),
            ms: Number((process.hrtime.bigint() - started) / 1_000_000n),
            userId: ctx.auth?.user?.id,
          },
          'request'
        )
      }
    }
  }
}
