import type { HttpContext } from '@adonisjs/core/http'
import app from '@adonisjs/core/services/app'
import { readFile } from 'node:fs/promises'

/** GET /api/v1/openapi.json: the API description (docs/openapi.json), public like the docs are. */
export default class OpenApiController {
  async show({ response }: HttpContext) {
    const document = await readFile(app.makePath('docs/openapi.json'), 'utf8')
    response.header('Content-Type', 'application/json; charset=utf-8')
    return response.send(document)
  }
}
