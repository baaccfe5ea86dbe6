import type { HttpContext } from '@adonisjs/core/http'
import logger from '@adonisjs/core/services/logger'
import { webhookTable } from '#app/plugins/registries'

/**
 * /hooks/<plugin-id>/<path>: provider callbacks (receipts, replies, URL
 * handshakes), handed to the handler the plugin registered. No session,
 * no CSRF: each plugin authenticates its provider (token, signature).
 * A plugin that is not active has no handlers, so its hooks answer 404.
 */
export default class PluginHooksController {
  async handle({ params, request, response }: HttpContext) {
    const path = Array.isArray(params['*']) ? params['*'].join('/') : String(params['*'] ?? '')
    const handler = webhookTable.find(String(params.pluginId), request.method(), path)
    if (!handler) return response.status(404).send({ code: 404, msg: 'no such hook' })

    const rawBody = request.raw() ?? ''
    let body: unknown = null
    const type = String(request.header('content-type') ?? '')
    if (rawBody && type.includes('json')) {
      try {
        body = JSON.parse(rawBody)
      } catch {
        return response.status(400).send({ code: 400, msg: 'malformed JSON' })
      }
    } else if (rawBody) {
      body = type.includes('x-www-form-urlencoded')
        ? Object.fromEntries(new URLSearchParams(rawBody))
        : rawBody
    }

    try {
      const result = await handler({
        method: request.method(),
        path,
        headers: request.headers(),
        query: request.qs(),
        body,
        rawBody,
      })
      for (const [name, value] of Object.entries(result.headers ?? {})) response.header(name, value)
      return response.status(result.status).send(result.body)
    } catch (error) {
      logger.error(
        { plugin: params.pluginId, path, err: (error as Error).message },
        'webhook failed'
      )
      // 5xx: the provider retries its push later.
      return response.status(500).send({ code: 500, msg: 'error' })
    }
  }
}
