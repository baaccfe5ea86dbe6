import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'
import { controllers } from '#generated/controllers'

router
  .group(() => {
    router.get('/login', [controllers.identity.Session, 'create']).as('session.create')
    router.post('/login', [controllers.identity.Session, 'store']).as('session.store')
  })
  .use(middleware.guest())

router.post('/locale', [controllers.identity.Account, 'switchLocale']).as('locale.update')

router
  .group(() => {
    router.post('/logout', [controllers.identity.Session, 'destroy']).as('session.destroy')

    router.get('/account', [controllers.identity.Account, 'edit']).as('account.edit')
    router
      .put('/account/password', [controllers.identity.Account, 'updatePassword'])
      .as('account.password')
    router
      .put('/account/preferences', [controllers.identity.Account, 'updatePreferences'])
      .as('account.preferences')
    router
      .group(() => {
        router.post('/', [controllers.identity.AccessTokens, 'store']).as('account.tokens.store')
        router
          .delete('/:id', [controllers.identity.AccessTokens, 'destroy'])
          .as('account.tokens.destroy')
          .where('id', router.matchers.number())
      })
      .prefix('/account/tokens')
      .use(middleware.can('api.tokens'))

    router
      .group(() => {
        router.get('/', [controllers.identity.Users, 'index']).as('users.index')
        router.get('/new', [controllers.identity.Users, 'create']).as('users.create')
        router.post('/', [controllers.identity.Users, 'store']).as('users.store')
        router
          .get('/:id/edit', [controllers.identity.Users, 'edit'])
          .as('users.edit')
          .where('id', router.matchers.number())
        router
          .put('/:id', [controllers.identity.Users, 'update'])
          .as('users.update')
          .where('id', router.matchers.number())
        router
          .post('/:id/disable', [controllers.identity.Users, 'disable'])
          .as('users.disable')
          .where('id', router.matchers.number())
        router
          .post('/:id/enable', [controllers.identity.Users, 'enable'])
          .as('users.enable')
          .where('id', router.matchers.number())
        router
          .post('/:id/password', [controllers.identity.Users, 'resetPassword'])
          .as('users.password')
          .where('id', router.matchers.number())
      })
      .prefix('/settings/users')
      .use(middleware.can('users.manage'))

    router
      .get('/settings/roles', [controllers.identity.Permissions, 'show'])
      .as('permissions.show')
      .use(middleware.can('settings.view'))
  })
  .use(middleware.auth())
