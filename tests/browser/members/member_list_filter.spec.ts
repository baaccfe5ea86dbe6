import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { DateTime } from 'luxon'
import { ResolveMember } from '#app/members/actions/resolve_member'
import { UpsertOrder } from '#app/commerce/actions/upsert_order'
import { createStaff } from '#tests/support/staff'
import { signIn, waitForClientScripts } from '#tests/support/browser'
import { createCompanyWithShops } from '#tests/functional/members/fixtures'

/**
 * The filter form as staff use it: the browser sends every field, the
 * unused ones empty. Until 2026-12-02 that made the list refuse the filter
 * and show everyone ("筛选条件有误").
 */
test.group('Browser: member list filter', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a name typed into the filter narrows the list', async ({ browserContext, assert }) => {
    const { company } = await createCompanyWithShops()
    for (const name of ['王一帆', '王二妹', '李三']) {
      await new ResolveMember().handle({
        companyId: company.id,
        identities: [{ type: 'store_card', value: `filter-${name}` }],
        profile: { name },
      })
    }
    const operator = await createStaff('operator')
    const page = await browserContext.newPage()
    await signIn(page, operator.email)
    await page.goto('/members')
    await waitForClientScripts(page)
    const filter = page.locator('[data-testid="members-filter"]')
    await filter.locator('input[name="name"]').fill('王')
    await Promise.all([
      page.waitForURL(/name=%E7%8E%8B/),
      filter.locator('input[name="name"]').press('Enter'),
    ])
    const body = await page.locator('main').innerText()
    assert.include(body, '王一帆')
    assert.include(body, '王二妹')
    assert.notInclude(body, '李三')
    assert.notInclude(body, '筛选条件有误')
  })

  test('the product box suggests products as staff type; the chosen code filters the list', async ({
    browserContext,
    assert,
  }) => {
    const { company, tmall } = await createCompanyWithShops()
    for (const [name, sku, title] of [
      ['买开衫的', 'QZ-W-001', '羊毛开衫'],
      ['买T恤的', 'QZ-T-007', '纯棉T恤'],
    ]) {
      const { memberId } = await new ResolveMember().handle({
        companyId: company.id,
        identities: [{ type: 'store_card', value: `pick-${sku}` }],
        profile: { name },
      })
      await new UpsertOrder().handle({
        companyId: company.id,
        shopId: tmall.id,
        platformOrderNo: `pick-${sku}`,
        memberId,
        status: 'completed',
        orderedAt: DateTime.utc().minus({ days: 2 }),
        goodsFen: 100,
        paidFen: 100,
        items: [{ skuCode: sku, title, category: null, quantity: 1, priceFen: 100 }],
      })
    }
    const operator = await createStaff('operator')
    const page = await browserContext.newPage()
    await signIn(page, operator.email)
    await page.goto('/members')
    await waitForClientScripts(page)
    const filter = page.locator('[data-testid="members-filter"]')
    const product = filter.locator('input[name="product"]')
    await product.pressSequentially('开衫')
    const option = page.locator('#member-product-options option')
    await option.first().waitFor({ state: 'attached' })
    assert.deepEqual(await option.evaluateAll((all) => all.map((o) => (o as any).value)), [
      'QZ-W-001',
    ])
    // Choosing the suggestion puts its code in the box.
    await product.fill((await option.first().getAttribute('value')) as string)
    await Promise.all([page.waitForURL(/product=QZ-W-001/), product.press('Enter')])
    const body = await page.locator('main').innerText()
    assert.include(body, '买开衫的')
    assert.notInclude(body, '买T恤的')
  })
})
