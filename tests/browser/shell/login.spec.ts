import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { createStaff } from '#tests/support/staff'
import { signIn, waitForClientScripts } from '#tests/support/browser'

test.group('Browser: signing in and out', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a wrong password shows the one generic message, for known and unknown accounts', async ({
    browserContext,
    assert,
  }) => {
    const user = await createStaff('operator')
    const page = await browserContext.newPage()

    await signIn(page, user.email, 'not-the-password')
    await page.assertPath('/login')
    const flash = await page.locator('#flash').innerText()
    const knownAccount = flash.trim()
    assert.include(knownAccount, '账号或密码错误')

    await signIn(page, 'nobody@test.quanzi.cn', 'not-the-password')
    await page.assertPath('/login')
    const unknownFlash = await page.locator('#flash').innerText()
    assert.equal(unknownFlash.trim(), knownAccount)
  })

  test('the right password opens the dashboard with htmx and Alpine running', async ({
    browserContext,
  }) => {
    const user = await createStaff('operator', { fullName: '王小明' })
    const page = await browserContext.newPage()

    await signIn(page, user.email)
    await page.assertPath('/')
    await page.assertTextContains('[data-testid="current-user"]', '王小明')
    await waitForClientScripts(page)
  })

  test('signing out returns to the login page and the dashboard is closed again', async ({
    browserContext,
  }) => {
    const user = await createStaff('viewer')
    const page = await browserContext.newPage()
    await signIn(page, user.email)
    await page.assertPath('/')

    await page.locator('[data-testid="logout"]').click()
    await page.assertPath('/login')
    await page.assertExists('[data-testid="login-form"]')

    await page.goto('/')
    await page.assertPath('/login')
  })
})
