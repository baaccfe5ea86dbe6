import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { DateTime } from 'luxon'
import { ResolveMember } from '#app/members/actions/resolve_member'
import { UpsertOrder } from '#app/commerce/actions/upsert_order'
import { RecomputeRfm } from '#app/members/actions/recompute_rfm'
import { createStaff } from '#tests/support/staff'
import { signIn } from '#tests/support/browser'
import { createCompanyWithShops } from '#tests/functional/members/fixtures'

test.group('Browser: RFM charts', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('ECharts draws the distributions from the bundle, under the CSP, without errors', async ({
    browserContext,
    assert,
  }) => {
    const { company, tmall } = await createCompanyWithShops()
    for (let i = 0; i < 6; i++) {
      const { memberId } = await new ResolveMember().handle({
        companyId: company.id,
        identities: [{ type: 'store_card', value: `C${i}` }],
      })
      await new UpsertOrder().handle({
        companyId: company.id,
        shopId: tmall.id,
        platformOrderNo: `C${i}`,
        memberId,
        status: 'completed',
        orderedAt: DateTime.utc().minus({ days: 10 + i * 40 }),
        goodsFen: 10000 * (i + 1),
        paidFen: 10000 * (i + 1),
        items: [],
      })
    }
    await new RecomputeRfm().handle(company.id)

    const crm = await createStaff('crm')
    const page = await browserContext.newPage()
    const errors: string[] = []
    page.on('pageerror', (error) => errors.push(error.message))
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text())
    })
    await signIn(page, crm.email)
    await page.goto('/members/rfm')
    await page.waitForSelector('[data-echarts] canvas', { timeout: 20000 })
    assert.equal(await page.locator('[data-echarts] canvas').count(), 2)
    assert.deepEqual(errors, [])

    // A click on the lifecycle ring (just clockwise of 12 o'clock: the first slice) opens the filtered list.
    const pie = page.locator('[data-echarts]').nth(1)
    const box = (await pie.boundingBox())!
    const radius = Math.min(box.width, box.height) / 2
    await page.waitForTimeout(1500) // the chart animates in
    await page.mouse.click(box.x + box.width / 2 + 3, box.y + box.height / 2 - radius * 0.5)
    await page.waitForURL(/\/members\?lifecycle=/, { timeout: 10000 })
    assert.match(page.url(), /lifecycle=(new|active|silent|lost|recalled)/)
  })
})
