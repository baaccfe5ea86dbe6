import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import CouponTemplate from '#app/coupons/models/coupon_template'
import { createStaff } from '#tests/support/staff'
import { answerNextDialog, signIn, waitForClientScripts } from '#tests/support/browser'
import { createCompanyWithShops } from '#tests/functional/members/fixtures'

test.group('Browser: archiving a coupon template', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('asks first: cancelling keeps the template, confirming archives it', async ({
    assert,
    browserContext,
  }) => {
    const { company } = await createCompanyWithShops()
    const template = await CouponTemplate.create({
      companyId: company.id,
      name: '满200减30',
      kind: 'threshold',
      minSpendFen: 20000,
      amountFen: 3000,
      validDays: 30,
    })
    const crm = await createStaff('crm')
    const page = await browserContext.newPage()
    const blocked: string[] = []
    page.on('console', (message) => {
      if (message.type() === 'error') blocked.push(message.text())
    })
    await signIn(page, crm.email)
    await page.goto(`/coupons/${template.id}`)
    await waitForClientScripts(page)

    const asked = answerNextDialog(page, 'dismiss')
    await page.click('[data-testid="archive-form"] button[type="submit"]')
    assert.include(await asked, '满200减30')
    await page.waitForTimeout(300)
    await template.refresh()
    assert.isNull(template.archivedAt)

    void answerNextDialog(page, 'accept')
    await Promise.all([
      page.waitForURL(/\/coupons/),
      page.click('[data-testid="archive-form"] button[type="submit"]'),
    ])
    await page.waitForLoadState('networkidle')
    await template.refresh()
    assert.isNotNull(template.archivedAt)
    assert.deepEqual(blocked, [])
  })
})
