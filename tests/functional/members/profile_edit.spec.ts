import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import AuditEvent from '#app/shared/audit/models/audit_event'
import Member from '#app/members/models/member'
import { ResolveMember } from '#app/members/actions/resolve_member'
import { createStaff } from '#tests/support/staff'
import { createCompanyWithShops } from '#tests/functional/members/fixtures'

async function member() {
  const { company } = await createCompanyWithShops()
  const { memberId } = await new ResolveMember().handle({
    companyId: company.id,
    identities: [{ type: 'phone', value: '13800138000' }],
    profile: { name: '李小芳', province: '浙江省', city: '杭州市' },
  })
  return Member.findOrFail(memberId)
}

test.group('Members / editing a profile by hand', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('the member page has the form; saving overwrites, clears empty fields and is audited', async ({
    client,
    assert,
  }) => {
    const fang = await member()
    const service = await createStaff('service', { locale: 'en' })
    const page = await client.get(`/members/${fang.id}`).loginAs(service)
    page.assertStatus(200)
    page.assertTextIncludes('Edit profile')

    const saved = await client
      .post(`/members/${fang.id}/profile`)
      .loginAs(service)
      .withCsrfToken()
      .form({
        name: '李芳',
        gender: 'female',
        birthday: '1992-07-01',
        province: '浙江省',
        city: '',
        email: 'fang@example.cn',
        phone: '',
        notes: '喜欢针织衫',
      })
      .redirects(0)
    saved.assertStatus(302)
    await fang.refresh()
    assert.equal(fang.name, '李芳')
    assert.equal(fang.gender, 'female')
    assert.equal(fang.birthday!.toISODate(), '1992-07-01')
    assert.isNull(fang.city)
    assert.equal(fang.notes, '喜欢针织衫')
    assert.equal(fang.phone!.digits, '13800138000', 'an empty phone field keeps the number')

    const event = await AuditEvent.query()
      .where({ action: 'members.profile_updated', entityId: String(fang.id) })
      .firstOrFail()
    assert.equal(event.actorId, service.id)
    assert.includeMembers(Object.keys(event.changes ?? {}), ['name', 'city', 'birthday'])

    await client
      .post(`/members/${fang.id}/profile`)
      .loginAs(service)
      .withCsrfToken()
      .form({
        name: '李芳',
        gender: 'female',
        birthday: '1992-07-01',
        province: '浙江省',
        email: 'fang@example.cn',
        notes: '喜欢针织衫',
        removePhone: '1',
      })
      .redirects(0)
    await fang.refresh()
    assert.isNull(fang.phone)
    assert.lengthOf(await AuditEvent.query().where('action', 'members.profile_updated'), 2)
  })

  test('a bad phone or email is refused; viewers cannot edit', async ({ client, assert }) => {
    const fang = await member()
    const service = await createStaff('service')
    const bad = await client
      .post(`/members/${fang.id}/profile`)
      .loginAs(service)
      .withCsrfToken()
      .form({ name: 'x', phone: '12345', email: 'not-an-email' })
      .redirects(0)
    bad.assertStatus(302)
    await fang.refresh()
    assert.equal(fang.name, '李小芳')

    const viewer = await createStaff('viewer')
    const forbidden = await client
      .post(`/members/${fang.id}/profile`)
      .loginAs(viewer)
      .withCsrfToken()
      .form({ name: 'x' })
    forbidden.assertStatus(403)
    const page = await client.get(`/members/${fang.id}`).loginAs(viewer)
    assert.notInclude(page.text(), 'member-profile-edit')
  })
})
