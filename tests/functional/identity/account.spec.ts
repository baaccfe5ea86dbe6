import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import User from '#app/identity/models/user'
import { STAFF_PASSWORD, createStaff } from '#tests/support/staff'

test.group('My account', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('switching to English changes the UI and is remembered', async ({ client, assert }) => {
    const user = await createStaff('operator')
    const before = await client.get('/').loginAs(user)
    before.assertTextIncludes('工作台')

    await client.put('/account/preferences').loginAs(user).withCsrfToken().form({ locale: 'en' })
    await user.refresh()
    assert.equal(user.locale, 'en')

    const after = await client.get('/').loginAs(user)
    after.assertTextIncludes('Dashboard')
    assert.notInclude(after.text(), '工作台')
  })

  test('an unknown time zone is refused', async ({ client, assert }) => {
    const user = await createStaff('operator')
    const response = await client
      .put('/account/preferences')
      .loginAs(user)
      .withCsrfToken()
      .form({ timezone: 'Mars/Olympus' })
      .redirects(0)
    assert.include(response.flashMessage('error'), 'Mars/Olympus')
    await user.refresh()
    assert.equal(user.timezone, 'Asia/Shanghai')
  })

  test('changes the password only with the current one', async ({ client, assert }) => {
    const user = await createStaff('viewer')
    const wrong = await client
      .put('/account/password')
      .loginAs(user)
      .withCsrfToken()
      .form({
        currentPassword: 'nope',
        password: 'a-new-password-1',
        passwordConfirmation: 'a-new-password-1',
      })
      .redirects(0)
    assert.equal(wrong.flashMessage('error'), '当前密码不正确')

    await client.put('/account/password').loginAs(user).withCsrfToken().form({
      currentPassword: STAFF_PASSWORD,
      password: 'a-new-password-1',
      passwordConfirmation: 'a-new-password-1',
    })
    await User.verifyCredentials(user.email, 'a-new-password-1')
  })

  test('the login page language switch sets a cookie used before sign-in', async ({ client }) => {
    const response = await client
      .post('/locale')
      .withCsrfToken()
      .form({ locale: 'en' })
      .redirects(0)
    response.assertCookie('quanzi-locale')
    const page = await client.get('/login').withCookie('quanzi-locale', 'en')
    page.assertTextIncludes('Sign in to Quanzi')
  })
})
