import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { ResolveMember } from '#app/members/actions/resolve_member'
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
})
