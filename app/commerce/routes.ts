import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'
import { controllers } from '#generated/controllers'
import { apiV1 } from '#app/api/routes'

/** Orders and refunds pushed by shop systems and ERP connectors (docs/api.md). */
apiV1(() => {
  router
    .put('/shops/:shopId/orders/:number', [controllers.commerce.ApiOrders, 'upsertOrder'])
    .as('api.orders.upsert')
    .where('shopId', router.matchers.number())
    .use(middleware.can('members.import'))
  router
    .put('/shops/:shopId/refunds/:number', [controllers.commerce.ApiOrders, 'upsertRefund'])
    .as('api.refunds.upsert')
    .where('shopId', router.matchers.number())
    .use(middleware.can('members.import'))
})
