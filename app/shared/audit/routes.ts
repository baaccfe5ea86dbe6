import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'
import { controllers } from '#generated/controllers'

router
  .get('/settings/audit', [controllers.shared.audit.AuditEvents, 'index'])
  .as('audit.index')
  .use([middleware.auth(), middleware.can('audit.view')])
