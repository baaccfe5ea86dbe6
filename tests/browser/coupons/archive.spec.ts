import { test } from '@japa/runner'
import { thresholdTemplate } from '#tests/functional/coupons/fixtures'
import testUtils from '@adonisjs/core/services/test_utils'
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
    const template = await thresholdTemplate(company.id)
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
