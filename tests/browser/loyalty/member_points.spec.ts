import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { ResolveMember } from '#app/members/actions/resolve_member'
import { PointsLedger } from '#app/loyalty/services/points_ledger'
import { Rewards } from '#app/loyalty/actions/rewards'
import { createStaff } from '#tests/support/staff'
import { answerNextDialog, signIn, waitForClientScripts } from '#tests/support/browser'
import { createCompanyWithShops } from '#tests/functional/members/fixtures'
import { orderEarning } from '#tests/functional/loyalty/fixtures'

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
  test('cancelling a redemption in the htmx-loaded section asks first; only a yes gives the points back', async ({
    assert,
    browserContext,
  }) => {
    const { company } = await createCompanyWithShops()
    const member = await new ResolveMember().handle({
      companyId: company.id,
      identities: [{ type: 'phone', value: '13600136009' }],
      profile: { name: '张无忌' },
    })
    const ref = { companyId: company.id, memberId: member.memberId }
    await new PointsLedger().earn(ref, orderEarning(9, 300))
    const rewards = new Rewards()
    const reward = await rewards.create(
      company.id,
      { name: '品牌帆布袋', kind: 'gift', pointsCost: 200, stock: 5, perMemberLimit: null },
      null
    )
    await rewards.redeem(ref, { rewardId: reward, idempotencyKey: 'bag-1' }, null)
    const crm = await createStaff('crm')
    const page = await browserContext.newPage()
    await signIn(page, crm.email)
    await page.goto(`/members/${member.memberId}`)
    await waitForClientScripts(page)
    await page.waitForSelector('[data-testid="points-available"]:has-text("100")')
    const cancel = 'form[action*="/redemptions/"] button[type="submit"]'

    const asked = answerNextDialog(page, 'dismiss')
    await page.click(cancel)
    assert.isNotEmpty(await asked)
    await page.waitForTimeout(300)
    await page.assertTextContains('[data-testid="points-available"]', '100')

    const accepted = answerNextDialog(page, 'accept')
    await page.click(cancel)
    await accepted
    await page.waitForSelector('[data-testid="points-available"]:has-text("300")')
  })
})
