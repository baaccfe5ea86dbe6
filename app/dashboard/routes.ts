import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'
import { controllers } from '#generated/controllers'

router
  .get('/', [controllers.dashboard.Dashboard, 'show'])
  .as('dashboard.show')
  .use(middleware.auth())
