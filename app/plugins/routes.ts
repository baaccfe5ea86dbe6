import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'
import { controllers } from '#generated/controllers'

const pluginId = /^[a-z][a-z0-9-]{1,48}[a-z0-9]$/

router
  .group(() => {
    router
      .group(() => {
        router.get('/', [controllers.plugins.Plugins, 'index']).as('plugins.index')
        router
          .get('/:id', [controllers.plugins.Plugins, 'show'])
          .as('plugins.show')
          .where('id', pluginId)
      })
      .prefix('/settings/plugins')
      .use(middleware.can('plugins.view'))

    router
      .group(() => {
        router.post('/:id/enable', [controllers.plugins.Plugins, 'enable']).as('plugins.enable')
        router.post('/:id/disable', [controllers.plugins.Plugins, 'disable']).as('plugins.disable')
        router
          .post('/:id/config', [controllers.plugins.Plugins, 'configure'])
          .as('plugins.configure')
        router.post('/:id/test', [controllers.plugins.Plugins, 'test']).as('plugins.test')
        router
          .post('/:id/test-message', [controllers.plugins.Plugins, 'testMessage'])
          .as('plugins.test_message')
        router.post('/:id/sync', [controllers.plugins.Plugins, 'syncNow']).as('plugins.sync')
        router.post('/:id/stock', [controllers.plugins.Plugins, 'pushStock']).as('plugins.stock')
      })
      .prefix('/settings/plugins')
      .where('id', pluginId)
      .use(middleware.can('plugins.manage'))
  })
  .use(middleware.auth())

/** Provider callbacks; each plugin checks its own token or signature. */
router
  .any('/hooks/:pluginId/*', [controllers.plugins.PluginHooks, 'handle'])
  .where('pluginId', pluginId)
  .as('plugins.hooks')
