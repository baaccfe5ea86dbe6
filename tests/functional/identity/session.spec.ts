import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import AuditEvent from '#app/shared/audit/models/audit_event'
import { STAFF_PASSWORD, createStaff } from '#tests/support/staff'

test.group('Login', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('signs in with email and lands on the dashboard', async ({ client, assert }) => {
    const user = await createStaff('operator', { fullName: '张伟' })
    const response = await client
      .post('/login')
      .form({ uid: user.email.toUpperCase(), password: STAFF_PASSWORD })
      .withCsrfToken()
      .redirects(0)

    response.assertStatus(302)
    response.assertHeader('location', '/')
    const login = await AuditEvent.query()
      .where('action', 'login')
      .where('actor_id', user.id)
      .first()
    assert.isNotNull(login)
  })

  test('signs in with the mobile number written any way', async ({ client }) => {
    await createStaff('crm', { phone: '13912345678' })
    const response = await client
      .post('/login')
      .form({ uid: '+86 139-1234-5678', password: STAFF_PASSWORD })
      .withCsrfToken()
      .redirects(0)
    response.assertStatus(302)
    response.assertHeader('location', '/')
  })

  test('one message whether or not the account exists', async ({ client, assert }) => {
    const user = await createStaff('viewer')
    const wrongPassword = await client
      .post('/login')
      .form({ uid: user.email, password: 'not-the-password' })
      .withCsrfToken()
      .redirects(0)
    const unknownUser = await client
      .post('/login')
      .form({ uid: 'nobody@test.quanzi.cn', password: 'not-the-password' })
      .withCsrfToken()
      .redirects(0)

    wrongPassword.assertStatus(302)
    unknownUser.assertStatus(302)
    assert.equal(wrongPassword.flashMessage('error'), unknownUser.flashMessage('error'))
    assert.equal(wrongPassword.flashMessage('error'), '账号或密码错误')
  })

  test('throttles an account after five failures from one address, not from another', async ({
    client,
    assert,
  }) => {
    const user = await createStaff('viewer')
    for (let attempt = 0; attempt < 5; attempt++) {
      await client
        .post('/login')
        .form({ uid: user.email, password: 'wrong' })
        .withCsrfToken()
        .redirects(0)
    }
    const blocked = await client
      .post('/login')
      .form({ uid: user.email, password: STAFF_PASSWORD })
      .withCsrfToken()
      .redirects(0)
    assert.match(String(blocked.flashMessage('error')), /分钟后再试/)

    // The real user on another machine is not locked out.
    const elsewhere = await client
      .post('/login')
      .header('X-Forwarded-For', '10.9.8.7')
      .form({ uid: user.email, password: STAFF_PASSWORD })
      .withCsrfToken()
      .redirects(0)
    elsewhere.assertHeader('location', '/')
  })

  test('a disabled account cannot sign in', async ({ client }) => {
    const admin = await createStaff('admin')
    const user = await createStaff('guide')
    await client.post(`/settings/users/${user.id}/disable`).loginAs(admin).withCsrfToken()

    const response = await client
      .post('/login')
      .form({ uid: user.email, password: STAFF_PASSWORD })
      .withCsrfToken()
      .redirects(0)
    response.assertFlashMessage('error', '该账号已停用，请联系管理员')
  })

  test('login form without a CSRF token gets the 403 page', async ({ client }) => {
    const user = await createStaff('viewer')
    const response = await client.post('/login').form({ uid: user.email, password: STAFF_PASSWORD })
    response.assertStatus(403)
    response.assertTextIncludes('页面已过期')
  })

  test('logout ends the session', async ({ client }) => {
    const user = await createStaff('viewer')
    const response = await client.post('/logout').loginAs(user).withCsrfToken().redirects(0)
    response.assertStatus(302)
    response.assertHeader('location', '/login')
  })
})

test.group('Session expiry', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a page request without a session redirects to login', async ({ client }) => {
    const response = await client.get('/').redirects(0)
    response.assertStatus(302)
    response.assertHeader('location', '/login')
  })

  test('an htmx request without a session gets HX-Redirect, not a fragment', async ({
    client,
    assert,
  }) => {
    const response = await client.get('/settings/audit').header('HX-Request', 'true').redirects(0)
    response.assertStatus(200)
    response.assertHeader('hx-redirect', '/login')
    assert.equal(response.text(), '')
  })
})
