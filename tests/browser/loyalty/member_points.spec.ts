import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { ResolveMember } from '#app/members/actions/resolve_member'
import { PointsLedger } from '#app/loyalty/services/points_ledger'
import { createStaff } from '#tests/support/staff'
import { signIn, waitForClientScripts } from '#tests/support/browser'
import { createCompanyWithShops } from '#tests/functional/members/fixtures'

test.group('Browser: member points section', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('htmx loads the points section into the member page; a staff adjustment shows up', async ({
    browserContext,
  }) => {
    const { company } = await createCompanyWithShops()
    const member = await new ResolveMember().handle({
      companyId: company.id,
      identities: [{ type: 'phone', value: '13600136000' }],
      profile: { name: '周芷若' },
    })
    await new PointsLedger().earn(
      { companyId: company.id, memberId: member.memberId },
      { points: 240, sourceType: 'order', sourceId: 5, idempotencyKey: 'order:5' }
    )
    const crm = await createStaff('crm')
    const page = await browserContext.newPage()
    await signIn(page, crm.email)
    await page.goto(`/members/${member.memberId}`)
    await waitForClientScripts(page)
    await page.waitForSelector('[data-testid="points-available"]')
    await page.assertTextContains('[data-testid="points-available"]', '240')

    await page.fill('[data-testid="points-adjust-form"] input[name="points"]', '-40')
    await page.fill('[data-testid="points-adjust-form"] input[name="reason"]', '重复积分更正')
    await page.click('[data-testid="points-adjust-form"] button[type="submit"]')
    await page.waitForSelector('[data-testid="points-available"]:has-text("200")')
    await page.assertTextContains('[data-testid="points-ledger"]', '重复积分更正')
  })
})
