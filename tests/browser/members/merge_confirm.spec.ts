import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import { ResolveMember } from '#app/members/actions/resolve_member'
import { createStaff } from '#tests/support/staff'
import { signIn, waitForClientScripts } from '#tests/support/browser'
import { createCompanyWithShops } from '#tests/functional/members/fixtures'

test.group('Browser: merging duplicate members', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a suggested merge asks first, naming both members; only a yes merges', async ({
    assert,
    browserContext,
  }) => {
    const { company } = await createCompanyWithShops()
    const twin = (phone: string) =>
      new ResolveMember().handle({
        companyId: company.id,
        identities: [{ type: 'phone', value: phone }],
        profile: { name: '林小雨', birthday: DateTime.fromISO('1992-04-18'), city: '杭州市' },
      })
    const kept = await twin('13600136001')
    const duplicate = await twin('13600136002')
    const admin = await createStaff('admin')
    const page = await browserContext.newPage()
    await signIn(page, admin.email)
    await page.goto('/members/merges')
    await waitForClientScripts(page)
    const button = `[data-testid="merge-suggestion-${duplicate.memberId}"] button[type="submit"]`

    const asked: string[] = []
    page.once('dialog', (dialog) => {
      asked.push(dialog.message())
      return dialog.dismiss()
    })
    await page.click(button)
    await page.waitForTimeout(300)
    const mergedAway = async () => {
      const row = await db.from('members').where('id', duplicate.memberId).first()
      return row.merged_into_id
    }
    assert.isNull(await mergedAway())
    assert.lengthOf(asked, 1)
    assert.include(asked[0], `#${duplicate.memberId}`)
    assert.include(asked[0], `#${kept.memberId}`)

    page.once('dialog', (dialog) => dialog.accept())
    await page.click(button)
    await page.waitForSelector('text=已将会员')
    assert.equal(await mergedAway(), kept.memberId)
  })
})
