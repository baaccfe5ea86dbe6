import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'
import { controllers } from '#generated/controllers'
import { apiV1 } from '#app/api/routes'

const id = { id: router.matchers.number() }

router
  .group(() => {
    router
      .group(() => {
        router.get('/', [controllers.coupons.CouponTemplates, 'index']).as('coupons.index')
        router
          .get('/:id', [controllers.coupons.CouponTemplates, 'show'])
          .as('coupons.show')
          .where('id', id.id)
      })
      .use(middleware.can('loyalty.view'))

    router
      .group(() => {
        router.get('/new', [controllers.coupons.CouponTemplates, 'create']).as('coupons.create')
        router.post('/', [controllers.coupons.CouponTemplates, 'store']).as('coupons.store')
        router
          .post('/:id/archive', [controllers.coupons.CouponTemplates, 'archive'])
          .as('coupons.archive')
          .where('id', id.id)
        router
          .get('/issue', [controllers.coupons.CouponBatches, 'create'])
          .as('coupons.batches.create')
        router
          .post('/issue', [controllers.coupons.CouponBatches, 'store'])
          .as('coupons.batches.store')
      })
      .use(middleware.can('loyalty.manage'))
  })
  .prefix('/coupons')
  .use(middleware.auth())

router
  .get('/members/:id/coupons', [controllers.coupons.MemberCoupons, 'index'])
  .as('coupons.member')
  .where('id', id.id)
  .use([middleware.auth(), middleware.can('members.view'), middleware.can('loyalty.view')])

apiV1(() => {
  router
    .post('/coupons/validate', [controllers.coupons.ApiCoupons, 'check'])
    .as('api.coupons.validate')
    .use(middleware.can('loyalty.view'))
  router
    .post('/coupons/use', [controllers.coupons.ApiCoupons, 'use'])
    .as('api.coupons.use')
    .use(middleware.can('loyalty.manage'))
})
