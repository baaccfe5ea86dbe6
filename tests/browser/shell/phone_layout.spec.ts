import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import type { Page } from 'playwright-core'
import { createStaff } from '#tests/support/staff'
import { pageWidth, signIn, signedInOnPhone, waitForClientScripts } from '#tests/support/browser'
import { createCompanyWithShops } from '#tests/functional/members/fixtures'
import { DateTime } from 'luxon'
import { ResolveMember } from '#app/members/actions/resolve_member'
import { UpsertOrder } from '#app/commerce/actions/upsert_order'
import { UpsertRefund } from '#app/commerce/actions/upsert_refund'

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
    const { company, tmall } = await createCompanyWithShops()
    // A member page with an order and a refund (the demo data's member pages were a pixel too
    // wide: their lower grid had no column template, so its track took the content's width).
    const { memberId } = await new ResolveMember().handle({
      companyId: company.id,
      identities: [{ type: 'phone', value: '13800138321' }],
    })
    const at = DateTime.utc().minus({ days: 3 })
    const order = { companyId: company.id, shopId: tmall.id, platformOrderNo: 'TM-PHONE-1' }
    await new UpsertOrder().handle({
      ...order,
      memberId,
      status: 'completed',
      orderedAt: at,
      paidAt: at,
      goodsFen: 129_900,
      paidFen: 129_900,
      items: [{ skuCode: 'SKU-1', title: '羊毛大衣', quantity: 1, priceFen: 129_900 }],
    })
    await new UpsertRefund().handle({
      companyId: company.id,
      shopId: tmall.id,
      platformRefundNo: 'RF-PHONE-1',
      platformOrderNo: order.platformOrderNo,
      status: 'completed',
      amountFen: 129_900,
      requestedAt: at.plus({ days: 1 }),
      completedAt: at.plus({ days: 2 }),
    })
    const user = await createStaff('admin')
    const { phone, page } = await signedInOnPhone(browserContext, user.email)
    const pages = [
      '/members',
      `/members/${memberId}`,
      '/coupons',
      '/loyalty',
      '/benefits',
      '/imports',
    ]
    for (const path of pages) {
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
