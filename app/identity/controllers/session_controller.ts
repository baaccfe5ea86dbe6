import type { HttpContext } from '@adonisjs/core/http'
import { inject } from '@adonisjs/core'
import { loginValidator } from '#app/identity/validators/session'
import { AuthenticateStaff } from '#app/identity/actions/authenticate_staff'
import { AuditLog } from '#app/shared/audit/audit_log'

@inject()
export default class SessionController {
  constructor(private authenticate: AuthenticateStaff) {}

  async create({ view }: HttpContext) {
    return view.render('pages/identity/login')
  }

  async store({ request, auth, session, response }: HttpContext) {
    const { uid, password } = await request.validateUsing(loginValidator)
    const user = await this.authenticate.handle({ uid, password, ip: request.ip() })

    // A fresh session id at login, so a session fixed before login is useless.
    session.regenerate()
    await auth.use('web').login(user)
    return response.redirect().toRoute('dashboard.show')
  }

  async destroy({ auth, response, session }: HttpContext) {
    const user = auth.user
    await auth.use('web').logout()
    if (user)
      await AuditLog.record({
        actor: user,
        entityType: 'session',
        entityId: user.id,
        action: 'logout',
      })
    session.regenerate()
    return response.redirect().toRoute('session.create')
  }
}
