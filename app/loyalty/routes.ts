import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'
import { controllers } from '#generated/controllers'
import { apiV1 } from '#app/api/routes'

const id = router.matchers.number()

router
  .group(() => {
    router
      .group(() => {
        router.get('/', [controllers.loyalty.Loyalty, 'index']).as('loyalty.index')
        router.get('/preview', [controllers.loyalty.Loyalty, 'preview']).as('loyalty.preview')
        router.get('/flow.csv', [controllers.loyalty.Loyalty, 'flowCsv']).as('loyalty.flow_csv')
        router
          .get('/orders/:id', [controllers.loyalty.OrderPoints, 'show'])
          .as('loyalty.order')
          .where('id', id)
      })
      .prefix('/loyalty')
      .use(middleware.can('loyalty.view'))
    router
      .group(() => {
        router
          .post('/rules', [controllers.loyalty.Loyalty, 'publishRule'])
          .as('loyalty.rules.store')
        router
          .post('/promotions', [controllers.loyalty.Loyalty, 'createPromotion'])
          .as('loyalty.promotions.store')
        router
          .post('/promotions/:id/cancel', [controllers.loyalty.Loyalty, 'cancelPromotion'])
          .as('loyalty.promotions.cancel')
          .where('id', id)
        router
          .post('/rewards', [controllers.loyalty.Loyalty, 'createReward'])
          .as('loyalty.rewards.store')
        router
          .post('/tiers/:id', [controllers.loyalty.Loyalty, 'updateTier'])
          .as('loyalty.tiers.update')
          .where('id', id)
        router.post('/tiers', [controllers.loyalty.Loyalty, 'createTier']).as('loyalty.tiers.store')
        router
          .post('/settings', [controllers.loyalty.Loyalty, 'saveSettings'])
          .as('loyalty.settings.update')
      })
      .prefix('/loyalty')
      .use(middleware.can('loyalty.manage'))

    router
      .get('/members/:id/points', [controllers.loyalty.MemberPoints, 'show'])
      .as('loyalty.member_points')
      .where('id', id)
      .use(middleware.can('loyalty.view'))
    router
      .post('/members/:id/points/adjust', [controllers.loyalty.MemberPoints, 'adjust'])
      .as('loyalty.member_points.adjust')
      .where('id', id)
      .use(middleware.can('loyalty.manage'))
    router
      .post('/members/:id/redemptions', [controllers.loyalty.MemberPoints, 'redeem'])
      .as('loyalty.redemptions.store')
      .where('id', id)
      .use(middleware.can('loyalty.manage'))
    router
      .post('/members/:id/redemptions/:redemptionId/cancel', [
        controllers.loyalty.MemberPoints,
        'cancelRedemption',
      ])
      .as('loyalty.redemptions.cancel')
      .where('id', id)
      .where('redemptionId', id)
      .use(middleware.can('loyalty.manage'))
    router
      .post('/members/:id/tier', [controllers.loyalty.MemberPoints, 'setTier'])
      .as('loyalty.member_tier.update')
      .where('id', id)
      .use(middleware.can('loyalty.manage'))
  })
  .use(middleware.auth())

apiV1(() => {
  router
    .get('/points/expiring', [controllers.loyalty.MemberPointsApi, 'expiring'])
    .as('api.points.expiring')
    .use(middleware.can('loyalty.view'))
  router
    .get('/members/:id/points', [controllers.loyalty.MemberPointsApi, 'index'])
    .as('api.members.points.index')
    .where('id', id)
    .use(middleware.can('loyalty.view'))
  router
    .post('/members/:id/points/redeem', [controllers.loyalty.MemberPointsApi, 'redeem'])
    .as('api.members.points.redeem')
    .where('id', id)
    .use(middleware.can('loyalty.manage'))
  router
    .post('/members/:id/redemptions/:redemptionId/cancel', [
      controllers.loyalty.MemberPointsApi,
      'cancelRedemption',
    ])
    .as('api.members.redemptions.cancel')
    .where('id', id)
    .where('redemptionId', id)
    .use(middleware.can('loyalty.manage'))
  router
    .post('/members/:id/points/adjust', [controllers.loyalty.MemberPointsApi, 'adjust'])
    .as('api.members.points.adjust')
    .where('id', id)
    .use(middleware.can('loyalty.manage'))
})
