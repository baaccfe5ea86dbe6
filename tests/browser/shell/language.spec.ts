import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import User from '#app/identity/models/user'
import { createStaff } from '#tests/support/staff'
import { signIn } from '#tests/support/browser'

test.group('Browser: language', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('switching to English changes the UI and stays English on every page', async ({
    browserContext,
    assert,
  }) => {
    const user = await createStaff('admin')
    const page = await browserContext.newPage()
    await signIn(page, user.email)
    await page.assertPath('/')
    await page.assertTextContains('[data-testid="main-nav"]', '工作台')

    await page.goto('/account')
    await page.locator('#locale').selectOption('en')
    await page.locator('[data-testid="preferences-form"] button[type="submit"]').click()
    await page.assertTextContains('[data-testid="main-nav"]', 'Dashboard')
    await page.assertTextContains('[data-testid="logout"]', 'Sign out')

    await user.refresh()
    assert.equal(user.locale, 'en')

    for (const path of ['/', '/settings/users', '/settings/roles']) {
      await page.goto(path)
      await page.assertPath(path)
      const text = await page.locator('body').innerText()
      assert.include(text, 'Dashboard', path)
      assert.notInclude(text, '工作台', path)
      assert.equal(await page.locator('html').getAttribute('lang'), 'en', path)
    }
    const stored = await User.findOrFail(user.id)
    assert.equal(stored.locale, 'en')
  })

  test('the login page switch works before signing in', async ({ browserContext }) => {
    const page = await browserContext.newPage()
    await page.goto('/login')
    await page.assertTextContains('[data-testid="login-form"]', '登录')

    await page
      .locator('[data-testid="locale-switch"]')
      .getByRole('button', { name: 'English' })
      .click()
    await page.assertTextContains('[data-testid="login-form"]', 'Sign in')
    await page.reload()
    await page.assertTextContains('[data-testid="login-form"]', 'Sign in')
  })
})
