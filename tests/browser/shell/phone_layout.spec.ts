import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import type { Page } from 'playwright-core'
import { createStaff } from '#tests/support/staff'
import { pageWidth, signIn, signedInOnPhone, waitForClientScripts } from '#tests/support/browser'
import { createCompanyWithShops } from '#tests/functional/members/fixtures'

const nav = '[data-testid="main-nav"]'
const toggle = '[data-testid="nav-toggle"]'

/** True when the navigation is inside the visible part of the screen. */
async function navOnScreen(page: Page) {
  const box = await page.locator(nav).boundingBox()
  return !!box && box.x >= 0 && box.x + box.width > 0
}

async function waitForNav(page: Page, onScreen: boolean) {
  await page.waitForFunction(
    ([selector, wanted]) => {
      const doc = (globalThis as any).document
      const rect = doc.querySelector(selector as string).getBoundingClientRect()
      return (rect.right > 0 && rect.left >= 0) === wanted
    },
    [nav, onScreen] as const
  )
}

test.group('Browser: phone layout (390x844)', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('the navigation hides behind a menu button and opens on tap', async ({
    browserContext,
    assert,
  }) => {
    const user = await createStaff('admin')
    const { phone, page } = await signedInOnPhone(browserContext, user.email)
    await waitForClientScripts(page)

    assert.isTrue(await page.locator(toggle).isVisible())
    assert.isFalse(await navOnScreen(page))
    assert.isAtMost(await pageWidth(page), 390, 'nothing may overflow the phone screen sideways')

    await page.locator(toggle).tap()
    await waitForNav(page, true)
    const link = page.locator(nav).getByRole('link', { name: '员工账号' })
    assert.isTrue(await link.isVisible())

    await link.tap()
    await page.waitForURL((url) => url.pathname === '/settings/users')
    await waitForNav(page, false)

    await phone.close()
  })

  test('pages with many actions wrap them: nothing overflows sideways and no button label breaks', async ({
    browserContext,
    assert,
  }) => {
    await createCompanyWithShops()
    const user = await createStaff('admin')
    const { phone, page } = await signedInOnPhone(browserContext, user.email)
    for (const path of ['/members', '/coupons', '/loyalty', '/benefits', '/imports']) {
      const response = await page.goto(path)
      assert.equal(response?.status(), 200, path)
      const layout = await page.evaluate(() => {
        const doc = (globalThis as any).document
        const heights = [...doc.querySelectorAll('main .btn')]
          .filter((button: any) => button.offsetParent !== null)
          .map((button: any) => button.getBoundingClientRect().height)
        return { width: doc.documentElement.scrollWidth, tallest: Math.max(0, ...heights) }
      })
      assert.isAtMost(layout.width, 390, `${path} overflows the phone screen sideways`)
      // A label broken character by character makes the button several lines tall.
      assert.isBelow(layout.tallest, 48, `${path} has a button whose label wraps`)
    }
    await phone.close()
  })

  test('on a desktop screen the navigation is always shown and the menu button is not', async ({
    browserContext,
    assert,
  }) => {
    const user = await createStaff('viewer')
    const page = await browserContext.newPage()
    await page.setViewportSize({ width: 1280, height: 800 })
    await signIn(page, user.email)
    await page.assertPath('/')
    assert.isFalse(await page.locator(toggle).isVisible())
    assert.isTrue(await navOnScreen(page))
  })
})
