import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { ManageAccessTokens } from '#app/identity/actions/manage_access_tokens'
import { PointsLedger } from '#app/loyalty/services/points_ledger'
import { createStaff } from '#tests/support/staff'
import { createMembers } from '#tests/functional/loyalty/fixtures'

test.group('Loyalty / member API', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('GET /api/v1/members/:id carries available and pending points and the tier', async ({
    client,
    assert,
  }) => {
    const { refs } = await createMembers(1)
    const crm = await createStaff('crm')
    await new PointsLedger().adjust(refs[0], {
      points: 320,
      reason: '客诉补偿',
      idempotencyKey: 'api-summary-1',
      actor: crm,
    })
    const token = await new ManageAccessTokens().create(crm, { name: 'erp' }, null)
    const response = await client.get(`/api/v1/members/${refs[0].memberId}`).bearerToken(token)
    response.assertStatus(200)
    assert.deepEqual(response.body().data.points, { available: 320, pending: 0 })
    assert.isNull(response.body().data.tier)
  })
})
