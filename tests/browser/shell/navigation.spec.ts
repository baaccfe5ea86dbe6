import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { createStaff } from '#tests/support/staff'
import { signIn, waitForClientScripts } from '#tests/support/browser'

const nav = '[data-testid="main-nav"]'

test.group('Browser: navigation follows the role', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('an admin sees the settings pages, a viewer does not', async ({
    browserContext,
    assert,
  }) => {
    const admin = await createStaff('admin')
    const adminPage = await browserContext.newPage()
    await signIn(adminPage, admin.email)
    await adminPage.assertPath('/')
    const adminNav = await adminPage.locator(nav).innerText()
    assert.include(adminNav, '设置')
    assert.include(adminNav, '员工账号')
    assert.include(adminNav, '审计日志')

    const viewer = await createStaff('viewer')
    const viewerContext = await browserContext.browser()!.newContext({ baseURL: adminPage.url() })
    const viewerPage = await viewerContext.newPage()
    await signIn(viewerPage, viewer.email)
    await viewerPage.assertPath('/')
    const viewerNav = await viewerPage.locator(nav).innerText()
    assert.include(viewerNav, '工作台')
    assert.notInclude(viewerNav, '设置')
    assert.notInclude(viewerNav, '员工账号')
    assert.notInclude(viewerNav, '审计日志')
    await viewerContext.close()
  })

  test('a viewer opening the user admin gets the 403 page', async ({ browserContext }) => {
    const viewer = await createStaff('viewer')
    const page = await browserContext.newPage()
    await signIn(page, viewer.email)
    await page.assertPath('/')

    const response = await page.goto('/settings/users')
    if (response?.status() !== 403) throw new Error(`expected 403, got ${response?.status()}`)
    await page.assertExists('[data-testid="error-page"]')
    await page.assertTextContains('[data-testid="error-page"]', '403')
    await page.assertExists(nav)
  })

  test('boosted links swap the page through htmx without a full reload', async ({
    browserContext,
    assert,
  }) => {
    const admin = await createStaff('admin')
    const page = await browserContext.newPage()
    await signIn(page, admin.email)
    await page.assertPath('/')
    await waitForClientScripts(page)

    // A full page load would wipe this marker; an htmx swap keeps the window.
    await page.evaluate(() => ((globalThis as any).__sameDocument = true))
    const htmxRequest = page.waitForRequest(
      (request) => request.url().endsWith('/settings/users') && !!request.headers()['hx-request']
    )

    await page.locator(nav).getByRole('link', { name: '员工账号' }).click()
    await htmxRequest
    await page.assertPath('/settings/users')
    await page.assertTitleContains('员工账号')
    assert.isTrue(await page.evaluate(() => (globalThis as any).__sameDocument === true))

    // And the swapped page is still live: the next boosted link works too.
    await page.locator(nav).getByRole('link', { name: '工作台' }).click()
    await page.assertPath('/')
    assert.isTrue(await page.evaluate(() => (globalThis as any).__sameDocument === true))
  })
})
