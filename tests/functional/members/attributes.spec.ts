import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import AuditEvent from '#app/shared/audit/models/audit_event'
import { ResolveMember } from '#app/members/actions/resolve_member'
import { MemberAttributes } from '#app/members/actions/member_attributes'
import { ManageAccessTokens } from '#app/identity/actions/manage_access_tokens'
import { createStaff } from '#tests/support/staff'
import { countRows, createCompanyWithShops } from '#tests/functional/members/fixtures'

async function seed() {
  const { company } = await createCompanyWithShops()
  const ids: number[] = []
  for (const [card, name] of [
    ['A1', '会员甲'],
    ['A2', '会员乙'],
    ['A3', '会员丙'],
  ]) {
    const { memberId } = await new ResolveMember().handle({
      companyId: company.id,
      identities: [{ type: 'store_card', value: card }],
      profile: { name },
    })
    ids.push(memberId)
  }
  return { company, ids }
}

test.group('Members / custom attributes', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('admins define attributes; staff fill them in; the list filters on them; audited', async ({
    client,
    assert,
  }) => {
    const { company, ids } = await seed()
    const admin = await createStaff('admin')
    for (const form of [
      { label: '肤质', type: 'enum', options: '干性，油性, 混合' },
      { label: '身高', type: 'number' },
      { label: '入会日', type: 'date' },
      { label: '员工', type: 'boolean' },
    ]) {
      const created = await client
        .post('/members/attributes')
        .loginAs(admin)
        .withCsrfToken()
        .form(form)
        .redirects(0)
      created.assertStatus(302)
    }
    const defs = await new MemberAttributes().definitions(company.id)
    assert.deepEqual(
      defs.map((d) => [d.label, d.type]),
      [
        ['肤质', 'enum'],
        ['身高', 'number'],
        ['入会日', 'date'],
        ['员工', 'boolean'],
      ]
    )
    assert.deepEqual(defs[0].options, ['干性', '油性', '混合'])
    const [skin, height, joined, staff] = defs

    const crm = await createStaff('crm')
    const page = await client.get(`/members/${ids[0]}`).loginAs(crm)
    page.assertTextIncludes('肤质')
    const values = [
      {
        [`a${skin.id}`]: '油性',
        [`a${height.id}`]: '172.5',
        [`a${joined.id}`]: '2024-03-05',
        [`a${staff.id}`]: 'true',
      },
      {
        [`a${skin.id}`]: '干性',
        [`a${height.id}`]: '160',
        [`a${joined.id}`]: '2023-01-01',
        [`a${staff.id}`]: 'false',
      },
    ]
    for (const [i, value] of values.entries()) {
      const saved = await client
        .post(`/members/${ids[i]}/attributes`)
        .loginAs(crm)
        .withCsrfToken()
        .form({ values: value })
        .redirects(0)
      saved.assertStatus(302)
    }
    const stored = await new MemberAttributes().valuesFor(ids[0])
    assert.equal(stored.get(height.id), '172.5')
    assert.equal(stored.get(joined.id), '2024-03-05')
    const audit = await AuditEvent.query()
      .where({ action: 'members.attributes_updated', entityId: String(ids[0]) })
      .firstOrFail()
    assert.equal((audit.changes as any)['肤质'].after, '油性')

    const names = async (qs: Record<string, unknown>) => {
      const list = await client.get('/members').qs(qs).loginAs(crm)
      return ['会员甲', '会员乙', '会员丙'].filter((n) => list.text().includes(n))
    }
    assert.deepEqual(await names({ attribute: skin.id, attributeValue: '油性' }), ['会员甲'])
    assert.deepEqual(await names({ attribute: height.id, attributeMin: '165' }), ['会员甲'])
    assert.deepEqual(await names({ attribute: height.id, attributeMax: '165' }), ['会员乙'])
    assert.deepEqual(await names({ attribute: joined.id, attributeMin: '2024-01-01' }), ['会员甲'])
    assert.deepEqual(await names({ attribute: staff.id, attributeValue: 'false' }), ['会员乙'])

    // Clearing a value removes it; an invalid one is refused and changes nothing.
    await client
      .post(`/members/${ids[0]}/attributes`)
      .loginAs(crm)
      .withCsrfToken()
      .form({ values: { [`a${height.id}`]: '' } })
      .redirects(0)
    const cleared = await new MemberAttributes().valuesFor(ids[0])
    assert.isUndefined(cleared.get(height.id))
    await client
      .post(`/members/${ids[0]}/attributes`)
      .loginAs(crm)
      .withCsrfToken()
      .form({ values: { [`a${skin.id}`]: '中性', [`a${height.id}`]: '180' } })
      .redirects(0)
    const after = await new MemberAttributes().valuesFor(ids[0])
    assert.equal(after.get(skin.id), '油性')
    assert.isUndefined(after.get(height.id))

    // The API shows them by name.
    const secret = await new ManageAccessTokens().create(crm, { name: 't' }, null)
    const api = await client.get(`/api/v1/members/${ids[0]}`).bearerToken(secret)
    assert.deepEqual(api.body().data.attributes, {
      肤质: '油性',
      入会日: '2024-03-05',
      员工: 'true',
    })

    // Deleting an attribute deletes its values.
    await client
      .post(`/members/attributes/${skin.id}/delete`)
      .loginAs(admin)
      .withCsrfToken()
      .redirects(0)
    const left = await db.from('member_attribute_values').where('attribute_id', skin.id)
    assert.lengthOf(left, 0)
    assert.equal(await countRows('member_attribute_definitions'), 3)
  })

  test('only admins define attributes; an enum needs choices; names are unique', async ({
    client,
    assert,
  }) => {
    const { company } = await seed()
    const crm = await createStaff('crm')
    const refused = await client
      .post('/members/attributes')
      .loginAs(crm)
      .withCsrfToken()
      .form({ label: 'x', type: 'text' })
    refused.assertStatus(403)
    await assert.rejects(() =>
      new MemberAttributes().define(
        company.id,
        { label: '等级', type: 'enum', options: ['A'] },
        null
      )
    )
    await new MemberAttributes().define(company.id, { label: '爱好', type: 'text' }, null)
    await assert.rejects(() =>
      new MemberAttributes().define(company.id, { label: '爱好', type: 'text' }, null)
    )
  })
})
