import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'
import { controllers } from '#generated/controllers'
import { apiV1 } from '#app/api/routes'

const id = { id: router.matchers.number() }

router
  .group(() => {
    router
      .get('/benefits', [controllers.benefits.Benefits, 'index'])
      .as('benefits.index')
      .use(middleware.can('benefits.view'))
    router
      .get('/benefits/usage.csv', [controllers.benefits.Benefits, 'usageCsv'])
      .as('benefits.usage_csv')
      .use(middleware.can('benefits.view'))
    router
      .get('/members/:id/benefits', [controllers.benefits.MemberBenefits, 'index'])
      .as('benefits.member')
      .where('id', id.id)
      .use(middleware.can('benefits.view'))
    router
      .group(() => {
        router.post('/benefits', [controllers.benefits.Benefits, 'store']).as('benefits.store')
        router
          .post('/benefits/:id/tiers', [controllers.benefits.Benefits, 'grantTier'])
          .as('benefits.grant_tier')
          .where('id', id.id)
        router
          .post('/benefit-grants/:id/revoke', [controllers.benefits.Benefits, 'revokeGrant'])
          .as('benefits.revoke_grant')
          .where('id', id.id)
        router
          .post('/members/:id/benefits/grant', [controllers.benefits.MemberBenefits, 'grant'])
          .as('benefits.member_grant')
          .where('id', id.id)
      })
      .use(middleware.can('benefits.manage'))
    router
      .post('/members/:id/benefits/claim', [controllers.benefits.MemberBenefits, 'claim'])
      .as('benefits.member_claim')
      .where('id', id.id)
      .use([middleware.can('benefits.view'), middleware.can('members.edit')])
  })
  .use(middleware.auth())

apiV1(() => {
  router
    .get('/members/:id/benefits', [controllers.benefits.ApiMemberBenefits, 'index'])
    .as('api.members.benefits.index')
    .where('id', id.id)
    .use(middleware.can('benefits.view'))
  router
    .post('/members/:id/benefits/claims', [controllers.benefits.ApiMemberBenefits, 'claim'])
    .as('api.members.benefits.claim')
    .where('id', id.id)
    .use([middleware.can('benefits.view'), middleware.can('members.edit')])
})
