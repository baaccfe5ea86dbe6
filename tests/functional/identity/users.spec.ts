import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import User from '#app/identity/models/user'
import AuditEvent from '#app/shared/audit/models/audit_event'
import { createStaff } from '#tests/support/staff'

test.group('Settings → Users', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('an admin creates a user; phone stored encrypted and masked in the list', async ({
    client,
    assert,
  }) => {
    const admin = await createStaff('admin')
    const response = await client
      .post('/settings/users')
      .loginAs(admin)
      .withCsrfToken()
      .form({
        fullName: '李娜',
        email: 'Li.Na@Test.Quanzi.cn',
        phone: '１３７ ００００ ０１２３',
        role: 'crm',
        password: 'long-enough-1',
      })
      .redirects(0)
    response.assertStatus(302)

    const user = await User.findByOrFail('email', 'li.na@test.quanzi.cn')
    assert.equal(user.role, 'crm')
    assert.equal(user.phone!.digits, '13700000123')
    assert.notInclude(user.phoneEncrypted!, '13700000123')

    const list = await client.get('/settings/users').loginAs(admin)
    list.assertTextIncludes('137****0123')
    assert.notInclude(list.text(), '13700000123')

    const audit = await AuditEvent.query()
      .where('entity_type', 'user')
      .where('entity_id', String(user.id))
      .firstOrFail()
    assert.equal(audit.action, 'create')
    assert.equal(audit.actorId, admin.id)
    assert.deepEqual(audit.changes!.phone, { before: null, after: '137****0123' })
  })

  test('invalid input is refused with translated messages and nothing is created', async ({
    client,
    assert,
  }) => {
    const admin = await createStaff('admin')
    const response = await client
      .post('/settings/users')
      .loginAs(admin)
      .withCsrfToken()
      .form({
        fullName: '',
        email: 'not-an-email',
        phone: '12345',
        role: 'wizard',
        password: 'short',
      })
      .redirects(0)
    response.assertStatus(302)
    const errors = response.flashMessage('inputErrorsBag') as Record<string, string[]>
    assert.properties(errors, ['fullName', 'email', 'phone', 'role', 'password'])
    assert.include(errors.email[0], '邮箱')
    assert.equal(errors.phone[0], '请输入有效的中国大陆手机号')
    assert.equal(await User.query().where('email', 'not-an-email').first(), null)
  })

  test('role change is audit-logged as a permission change', async ({ client, assert }) => {
    const admin = await createStaff('admin')
    const user = await createStaff('viewer')
    await client
      .put(`/settings/users/${user.id}`)
      .loginAs(admin)
      .withCsrfToken()
      .form({ fullName: user.fullName, email: user.email, role: 'manager' })

    await user.refresh()
    assert.equal(user.role, 'manager')
    const event = await AuditEvent.query()
      .where('action', 'role_change')
      .where('entity_id', String(user.id))
      .firstOrFail()
    assert.deepEqual(event.changes!.role, { before: 'viewer', after: 'manager' })
  })

  test('an admin cannot create an owner; only an owner can', async ({ client, assert }) => {
    const admin = await createStaff('admin')
    const response = await client
      .post('/settings/users')
      .loginAs(admin)
      .withCsrfToken()
      .form({ fullName: 'X', email: 'x@test.quanzi.cn', role: 'owner', password: 'long-enough-1' })
    response.assertStatus(403)
    assert.isNull(await User.findBy('email', 'x@test.quanzi.cn'))

    const owner = await createStaff('owner')
    await client
      .post('/settings/users')
      .loginAs(owner)
      .withCsrfToken()
      .form({ fullName: 'X', email: 'x@test.quanzi.cn', role: 'owner', password: 'long-enough-1' })
    assert.isNotNull(await User.findBy('email', 'x@test.quanzi.cn'))
  })

  test('reset and disable; the last owner cannot be disabled', async ({ client, assert }) => {
    const owner = await createStaff('owner')
    const other = await createStaff('service')

    await client
      .post(`/settings/users/${other.id}/password`)
      .loginAs(owner)
      .withCsrfToken()
      .form({ password: 'brand-new-password' })
    await other.refresh()
    assert.isNotNull(other.passwordChangedAt)
    await User.verifyCredentials(other.email, 'brand-new-password')

    await client.post(`/settings/users/${other.id}/disable`).loginAs(owner).withCsrfToken()
    await other.refresh()
    assert.isTrue(other.isDisabled)

    const secondOwner = await createStaff('owner')
    await client.post(`/settings/users/${secondOwner.id}/disable`).loginAs(owner).withCsrfToken()
    await secondOwner.refresh()
    assert.isTrue(secondOwner.isDisabled, 'another owner remains, so this is allowed')

    // Now `owner` is the only enabled owner: demoting them (by another admin) is refused.
    const admin = await createStaff('admin')
    const response = await client
      .put(`/settings/users/${owner.id}`)
      .loginAs(admin)
      .withCsrfToken()
      .form({ fullName: owner.fullName, email: owner.email, role: 'viewer' })
    response.assertStatus(403)
    await owner.refresh()
    assert.equal(owner.role, 'owner')

    const actions = await AuditEvent.query().where('entity_id', String(other.id)).orderBy('id')
    assert.includeMembers(
      actions.map((e) => e.action),
      ['password_reset', 'disable']
    )
  })

  test('roles without users.manage get the 403 page', async ({ client }) => {
    for (const role of ['manager', 'operator', 'crm', 'service', 'guide', 'viewer'] as const) {
      const user = await createStaff(role)
      const response = await client.get('/settings/users').loginAs(user)
      response.assertStatus(403)
      response.assertTextIncludes('没有权限')
    }
  })

  test('the permission matrix is visible read-only to settings viewers', async ({ client }) => {
    const manager = await createStaff('manager')
    const response = await client.get('/settings/roles').loginAs(manager)
    response.assertStatus(200)
    response.assertTextIncludes('查看完整手机号')
    const viewer = await createStaff('viewer')
    const forbidden = await client.get('/settings/roles').loginAs(viewer)
    forbidden.assertStatus(403)
  })
})
