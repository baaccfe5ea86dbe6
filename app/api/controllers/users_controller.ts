import type { HttpContext } from '@adonisjs/core/http'
import User from '#app/identity/models/user'
import { paginate } from '#app/shared/kernel/pagination'
import { apiPageValidator } from '#app/api/validators'
import { serializeUser } from '#app/api/serializers'

/** GET /api/v1/users: staff accounts, newest first, keyset-paged. */
export default class UsersController {
  async index({ request, auth }: HttpContext) {
    const { cursor, limit } = await request.validateUsing(apiPageValidator)
    const page = await paginate(User.query(), { cursor, limit })
    const unmask = auth.user!.can('members.phone.unmask')
    return { data: page.rows.map((user) => serializeUser(user, unmask)), meta: { next: page.next } }
  }
}
