import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import AuditEvent from '#app/shared/audit/models/audit_event'
import { ResolveMember } from '#app/members/actions/resolve_member'
import { createStaff } from '#tests/support/staff'
import { createCompanyWithShops } from '#tests/functional/members/fixtures'

async function member() {
  const { company } = await createCompanyWithShops()
  const { memberId } = await new ResolveMember().handle({
    companyId: company.id,
    identities: [{ type: 'phone', value: '13800138000' }],
    profile: { name: '李小芳' },
  })
  return memberId
}

test.group('Members / revealing a phone number', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('the member page masks the number; staff who may see it reveal it on purpose, audit-logged', async ({
    client,
    assert,
  }) => {
    const id = await member()
    const crm = await createStaff('crm')
    const page = await client.get(`/members/${id}`).loginAs(crm)
    page.assertTextIncludes('138****8000')
    page.assertTextIncludes('data-testid="reveal-phone"')
    assert.notInclude(page.text(), '13800138000')

    const fragment = await client
      .post(`/members/${id}/phone/reveal`)
      .header('HX-Request', 'true')
      .loginAs(crm)
      .withCsrfToken()
    fragment.assertStatus(200)
    fragment.assertTextIncludes('13800138000')
    assert.notInclude(fragment.text(), '<html')

    // Without JavaScript: back to the page, which shows the number this once.
    const plain = await client
      .post(`/members/${id}/phone/reveal`)
      .loginAs(crm)
      .withCsrfToken()
      .redirects(0)
    plain.assertStatus(302)

    const reveals = await AuditEvent.query()
      .where('entity_type', 'member')
      .where('entity_id', String(id))
      .where('action', 'phone_reveal')
    assert.lengthOf(reveals, 2)
    assert.equal(reveals[0].actorId, crm.id)
  })

  test('staff without the permission see no button and are refused', async ({ client, assert }) => {
    const id = await member()
    const operator = await createStaff('operator')
    const page = await client.get(`/members/${id}`).loginAs(operator)
    page.assertTextIncludes('138****8000')
    assert.notInclude(page.text(), 'reveal-phone')
    const refused = await client
      .post(`/members/${id}/phone/reveal`)
      .loginAs(operator)
      .withCsrfToken()
      .redirects(0)
    refused.assertStatus(403)
    assert.equal(
      await AuditEvent.query()
        .where('action', 'phone_reveal')
        .count('* as n')
        .first()
        .then((row) => Number(row!.$extras.n)),
      0
    )
  })
})
