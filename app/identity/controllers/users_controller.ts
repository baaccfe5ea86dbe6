import type { HttpContext } from '@adonisjs/core/http'
import { inject } from '@adonisjs/core'
import User from '#app/identity/models/user'
import { assignableRoles } from '#app/identity/roles'
import { ManageUsers } from '#app/identity/actions/manage_users'
import {
  createUserValidator,
  resetPasswordValidator,
  updateUserValidator,
} from '#app/identity/validators/user'

/** Settings → Users: admins manage staff accounts. */
@inject()
export default class UsersController {
  constructor(private users: ManageUsers) {}

  async index({ view, request }: HttpContext) {
    const role = request.input('role')
    const users = await User.query()
      .if(role, (q) => q.where('role', role))
      .orderBy('disabled_at', 'asc')
      .orderBy('id', 'asc')
    return view.render('pages/identity/users/index', { users, role })
  }

  async create({ view, auth }: HttpContext) {
    return view.render('pages/identity/users/form', {
      user: null,
      roles: assignableRoles(auth.user!.role),
    })
  }

  async store({ request, auth, session, response, i18n }: HttpContext) {
    const payload = await request.validateUsing(createUserValidator)
    const user = await this.users.create(payload, auth.user!)
    session.flash('success', i18n.t('users.created', { name: user.fullName }))
    return response.redirect().toRoute('users.index')
  }

  async edit({ view, params, auth }: HttpContext) {
    const user = await User.findOrFail(params.id)
    return view.render('pages/identity/users/form', {
      user,
      roles: assignableRoles(auth.user!.role),
    })
  }

  async update({ request, params, auth, session, response, i18n }: HttpContext) {
    const user = await User.findOrFail(params.id)
    const payload = await request.validateUsing(updateUserValidator)
    await this.users.update(user, payload, auth.user!)
    session.flash('success', i18n.t('users.updated', { name: user.fullName }))
    return response.redirect().toRoute('users.index')
  }

  async disable({ params, auth, session, response, i18n }: HttpContext) {
    const user = await User.findOrFail(params.id)
    await this.users.setDisabled(user, true, auth.user!)
    session.flash('success', i18n.t('users.disabled', { name: user.fullName }))
    return response.redirect().toRoute('users.index')
  }

  async enable({ params, auth, session, response, i18n }: HttpContext) {
    const user = await User.findOrFail(params.id)
    await this.users.setDisabled(user, false, auth.user!)
    session.flash('success', i18n.t('users.enabled', { name: user.fullName }))
    return response.redirect().toRoute('users.index')
  }

  async resetPassword({ request, params, auth, session, response, i18n }: HttpContext) {
    const user = await User.findOrFail(params.id)
    const { password } = await request.validateUsing(resetPasswordValidator)
    await this.users.resetPassword(user, password, auth.user!)
    session.flash('success', i18n.t('users.password_reset', { name: user.fullName }))
    return response.redirect().toRoute('users.edit', { id: user.id })
  }
}
