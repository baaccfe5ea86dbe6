import type { HttpContext } from '@adonisjs/core/http'
import { inject } from '@adonisjs/core'
import { accessTokenValidator } from '#app/identity/validators/user'
import { ManageAccessTokens } from '#app/identity/actions/manage_access_tokens'

/** The signed-in user's own API tokens, on the account page. */
@inject()
export default class AccessTokensController {
  constructor(private tokens: ManageAccessTokens) {}

  async store({ request, auth, session, response, i18n }: HttpContext) {
    const input = await request.validateUsing(accessTokenValidator)
    const secret = await this.tokens.create(auth.user!, input, auth.user!)
    // Flashed once: the page shows it on the next render and never again.
    session.flash('newToken', secret)
    session.flash('success', i18n.t('account.tokens.created'))
    return response.redirect().toRoute('account.edit')
  }

  async destroy({ params, auth, session, response, i18n }: HttpContext) {
    await this.tokens.revoke(auth.user!, Number(params.id), auth.user!)
    session.flash('success', i18n.t('account.tokens.revoked'))
    return response.redirect().toRoute('account.edit')
  }
}
