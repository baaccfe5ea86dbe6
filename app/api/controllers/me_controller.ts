import type { HttpContext } from '@adonisjs/core/http'
import { permissionsOf } from '#app/identity/roles'
import { serializeUser } from '#app/api/serializers'

/** GET /api/v1/me: whose token this is and what it may do. */
export default class MeController {
  async show({ auth }: HttpContext) {
    const user = auth.use('api').getUserOrFail()
    const token = user.currentAccessToken
    return {
      data: {
        ...serializeUser(user, user.can('members.phone.unmask')),
        permissions: permissionsOf(user.role),
        token: {
          name: token?.name ?? null,
          expiresAt: token?.expiresAt?.toISOString() ?? null,
        },
      },
    }
  }
}
