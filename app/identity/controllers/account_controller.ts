import type { HttpContext } from '@adonisjs/core/http'
import { inject } from '@adonisjs/core'
import { changePasswordValidator, preferencesValidator } from '#app/identity/validators/session'
import { ManageUsers } from '#app/identity/actions/manage_users'
import { ManageAccessTokens } from '#app/identity/actions/manage_access_tokens'
import { LOCALE_COOKIE } from '#app/shared/middleware/detect_user_locale_middleware'
import { isValidZone } from '#app/shared/kernel/time'
import { DomainError } from '#app/shared/errors/domain_error'

/** The signed-in user's own account: password, language, time zone, API tokens. */
@inject()
export default class AccountController {
  constructor(
    private users: ManageUsers,
    private tokens: ManageAccessTokens
  ) {}

  async edit({ view, auth }: HttpContext) {
    const user = auth.user!
    const tokens = user.can('api.tokens') ? await this.tokens.list(user) : []
    return view.render('pages/identity/account', { tokens })
  }

  async updatePassword({ request, auth, session, response, i18n }: HttpContext) {
    const { currentPassword, password } = await request.validateUsing(changePasswordValidator)
    await this.users.changeOwnPassword(auth.user!, currentPassword, password)
    session.flash('success', i18n.t('auth.password_changed'))
    return response.redirect().toRoute('account.edit')
  }

  async updatePreferences({ request, auth, session, response, i18n }: HttpContext) {
    const { locale, timezone } = await request.validateUsing(preferencesValidator)
    const user = auth.user!
    if (timezone && !isValidZone(timezone)) {
      throw new DomainError('E_INVALID_TIMEZONE', 'account.invalid_timezone', 422, {
        zone: timezone,
      })
    }
    if (locale) user.locale = locale
    if (timezone) user.timezone = timezone
    await user.save()
    if (locale)
      response.cookie(LOCALE_COOKIE, locale, { maxAge: '1y', httpOnly: true, sameSite: 'lax' })
    // switchLocale() changes this request's translator in place; the flash is in the new language.
    if (locale) i18n.switchLocale(locale)
    session.flash('success', i18n.t('account.saved'))
    return response.redirect().back()
  }

  /** The language switch on the login page, before anyone is signed in. */
  async switchLocale({ request, response }: HttpContext) {
    const { locale } = await request.validateUsing(preferencesValidator)
    if (locale)
      response.cookie(LOCALE_COOKIE, locale, { maxAge: '1y', httpOnly: true, sameSite: 'lax' })
    return response.redirect().back()
  }
}
