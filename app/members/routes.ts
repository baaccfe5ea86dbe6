import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'
import { controllers } from '#generated/controllers'
import { apiV1 } from '#app/api/routes'

const id = { id: router.matchers.number() }

router
  .group(() => {
    router
      .group(() => {
        router.get('/', [controllers.members.Members, 'index']).as('members.index')
        router.get('/rfm', [controllers.members.Rfm, 'show']).as('members.rfm')
        router
          .get('/segments', [controllers.members.MemberSegments, 'index'])
          .as('members.segments.index')
        router.get('/tags', [controllers.members.AutoTags, 'index']).as('members.tags.index')
        router
          .get('/product-options', [controllers.members.Members, 'productOptions'])
          .as('members.product_options')
        router
          .get('/:id', [controllers.members.Members, 'show'])
          .as('members.show')
          .where('id', id.id)
      })
      .prefix('/members')
      .use(middleware.can('members.view'))

    router
      .group(() => {
        router
          .post('/rfm/recompute', [controllers.members.Rfm, 'recompute'])
          .as('members.rfm.recompute')
        router
          .get('/rfm/settings', [controllers.members.Rfm, 'settings'])
          .as('members.rfm.settings')
        router
          .post('/rfm/settings', [controllers.members.Rfm, 'saveSettings'])
          .as('members.rfm.settings.save')
        router.post('/tags', [controllers.members.MemberTags, 'store']).as('members.tags.store')
        router
          .post('/tag-groups', [controllers.members.MemberTags, 'storeGroup'])
          .as('members.tag_groups.store')
        router.post('/tags/bulk', [controllers.members.MemberTags, 'bulk']).as('members.tags.bulk')
        router
          .post('/tag-rules', [controllers.members.AutoTags, 'store'])
          .as('members.tag_rules.store')
        router
          .post('/tag-rules/run', [controllers.members.AutoTags, 'run'])
          .as('members.tag_rules.run_all')
        router
          .post('/tag-rules/:id', [controllers.members.AutoTags, 'update'])
          .as('members.tag_rules.update')
          .where('id', id.id)
        router
          .get('/tag-rules/:id/edit', [controllers.members.AutoTags, 'edit'])
          .as('members.tag_rules.edit')
          .where('id', id.id)
        router
          .post('/tag-rules/:id/conditions', [controllers.members.AutoTags, 'saveConditions'])
          .as('members.tag_rules.conditions')
          .where('id', id.id)
        router
          .post('/tag-rules/:id/run', [controllers.members.AutoTags, 'run'])
          .as('members.tag_rules.run')
          .where('id', id.id)
        router
          .post('/tag-rules/:id/delete', [controllers.members.AutoTags, 'destroy'])
          .as('members.tag_rules.destroy')
          .where('id', id.id)
        router
          .post('/:id/attributes', [controllers.members.MemberAttributes, 'update'])
          .as('members.attributes.update')
          .where('id', id.id)
        router
          .post('/segments', [controllers.members.MemberSegments, 'store'])
          .as('members.segments.store')
        router
          .post('/segments/:id/delete', [controllers.members.MemberSegments, 'destroy'])
          .as('members.segments.destroy')
          .where('id', id.id)
        router
          .post('/:id/profile', [controllers.members.Members, 'update'])
          .as('members.profile.update')
          .where('id', id.id)
        router
          .post('/:id/tags', [controllers.members.MemberTags, 'attach'])
          .as('members.tags.attach')
          .where('id', id.id)
        router
          .post('/:id/tags/:tagId/remove', [controllers.members.MemberTags, 'detach'])
          .as('members.tags.detach')
          .where('id', id.id)
          .where('tagId', router.matchers.number())
      })
      .prefix('/members')
      .use(middleware.can('members.edit'))

    router
      .group(() => {
        router
          .get('/do-not-contact', [controllers.members.MemberPrivacy, 'doNotContactIndex'])
          .as('members.dnc.index')
          .use(middleware.can('members.view'))
        router
          .post('/do-not-contact', [controllers.members.MemberPrivacy, 'doNotContactStore'])
          .as('members.dnc.store')
          .use(middleware.can('members.edit'))
        router
          .post('/do-not-contact/:id/remove', [
            controllers.members.MemberPrivacy,
            'doNotContactDestroy',
          ])
          .as('members.dnc.destroy')
          .where('id', id.id)
          .use(middleware.can('members.privacy'))
        router
          .post('/:id/consents', [controllers.members.MemberPrivacy, 'updateConsent'])
          .as('members.consents.update')
          .where('id', id.id)
          .use(middleware.can('members.edit'))
        router
          .post('/:id/consents/withdraw-all', [controllers.members.MemberPrivacy, 'withdrawAll'])
          .as('members.consents.withdraw_all')
          .where('id', id.id)
          .use(middleware.can('members.edit'))
        router
          .get('/:id/personal-data', [controllers.members.MemberPrivacy, 'exportData'])
          .as('members.personal_data.export')
          .where('id', id.id)
          .use(middleware.can('members.privacy'))
        router
          .post('/:id/erase', [controllers.members.MemberPrivacy, 'erase'])
          .as('members.erase')
          .where('id', id.id)
          .use(middleware.can('members.privacy'))
      })
      .prefix('/members')

    router
      .group(() => {
        router.post('/', [controllers.members.MemberExports, 'store']).as('members.exports.store')
        router
          .get('/:id', [controllers.members.MemberExports, 'show'])
          .as('members.exports.show')
          .where('id', id.id)
        router
          .get('/:id/download', [controllers.members.MemberExports, 'download'])
          .as('members.exports.download')
          .where('id', id.id)
      })
      .prefix('/members/exports')
      .use(middleware.can('members.export'))

    router
      .group(() => {
        router
          .get('/', [controllers.members.MemberAttributes, 'index'])
          .as('members.attributes.index')
        router
          .post('/', [controllers.members.MemberAttributes, 'store'])
          .as('members.attributes.store')
        router
          .post('/:id/delete', [controllers.members.MemberAttributes, 'destroy'])
          .as('members.attributes.destroy')
          .where('id', id.id)
      })
      .prefix('/members/attributes')
      .use(middleware.can('members.attributes'))

    router
      .group(() => {
        router.get('/', [controllers.members.Merges, 'index']).as('members.merges.index')
        router.post('/', [controllers.members.Merges, 'store']).as('members.merges.store')
        router
          .post('/:id/undo', [controllers.members.Merges, 'undo'])
          .as('members.merges.undo')
          .where('id', id.id)
      })
      .prefix('/members/merges')
      .use(middleware.can('members.merge'))

    router
      .group(() => {
        router.get('/', [controllers.members.Imports, 'index']).as('imports.index')
        router.post('/preview', [controllers.members.Imports, 'preview']).as('imports.preview')
        router
          .post('/:id/run', [controllers.members.Imports, 'store'])
          .as('imports.store')
          .where('id', id.id)
        router
          .get('/:id', [controllers.members.Imports, 'show'])
          .as('imports.show')
          .where('id', id.id)
        router
          .get('/:id/preview', [controllers.members.Imports, 'showPreview'])
          .as('imports.preview.show')
          .where('id', id.id)
        router
          .get('/:id/mapping', [controllers.members.Imports, 'mapping'])
          .as('imports.mapping')
          .where('id', id.id)
        router
          .post('/:id/mapping', [controllers.members.Imports, 'saveMapping'])
          .as('imports.mapping.save')
          .where('id', id.id)
        router
          .get('/:id/rejects', [controllers.members.Imports, 'rejects'])
          .as('imports.rejects')
          .where('id', id.id)
      })
      .prefix('/imports')
      .use(middleware.can('members.import'))
  })
  .use(middleware.auth())

/** /api/v1/auto-tag-rules: 自动标签 rules with OR groups, for scripts (docs/api.md). */
apiV1(() => {
  const api = controllers.members.ApiAutoTags
  router
    .get('/auto-tag-rules', [api, 'index'])
    .as('api.auto_tag_rules.index')
    .use(middleware.can('members.view'))
  router
    .group(() => {
      router.post('/', [api, 'store']).as('api.auto_tag_rules.store')
      router.post('/recompute', [api, 'recompute']).as('api.auto_tag_rules.recompute_all')
      router.patch('/:id', [api, 'update']).as('api.auto_tag_rules.update').where('id', id.id)
      router.delete('/:id', [api, 'destroy']).as('api.auto_tag_rules.destroy').where('id', id.id)
      router
        .post('/:id/recompute', [api, 'recompute'])
        .as('api.auto_tag_rules.recompute')
        .where('id', id.id)
    })
    .prefix('/auto-tag-rules')
    .use(middleware.can('members.edit'))
})

/** /api/v1/members: lookup, find-or-create, profile, tags, consent (docs/api.md). */
apiV1(() => {
  const api = controllers.members.ApiMembers
  router
    .group(() => {
      router.get('/', [api, 'index']).as('api.members.index')
      router.get('/:id', [api, 'show']).as('api.members.show').where('id', id.id)
    })
    .prefix('/members')
    .use(middleware.can('members.view'))
  router
    .group(() => {
      router.post('/', [api, 'store']).as('api.members.store')
      router.patch('/:id', [api, 'update']).as('api.members.update').where('id', id.id)
      router.post('/:id/tags', [api, 'addTag']).as('api.members.tags.add').where('id', id.id)
      router
        .delete('/:id/tags/:tagId', [api, 'removeTag'])
        .as('api.members.tags.remove')
        .where('id', id.id)
        .where('tagId', router.matchers.number())
      router
        .put('/:id/consents/:channel', [api, 'consent'])
        .as('api.members.consents.update')
        .where('id', id.id)
    })
    .prefix('/members')
    .use(middleware.can('members.edit'))
})

router
  .post('/members/:id/phone/reveal', [controllers.members.MemberPhones, 'reveal'])
  .as('members.phone.reveal')
  .where('id', id.id)
  .use([middleware.auth(), middleware.can('members.phone.unmask')])
