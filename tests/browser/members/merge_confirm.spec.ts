import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import { ResolveMember } from '#app/members/actions/resolve_member'
import { createStaff } from '#tests/support/staff'
import { answerNextDialog, signIn, waitForClientScripts } from '#tests/support/browser'
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

    const asked = answerNextDialog(page, 'dismiss')
    await page.click(button)
    const question = await asked
    assert.include(question, `#${duplicate.memberId}`)
    assert.include(question, `#${kept.memberId}`)
    await page.waitForTimeout(300)
    const mergedAway = async () => {
      const row = await db.from('members').where('id', duplicate.memberId).first()
      return row.merged_into_id
    }
    assert.isNull(await mergedAway())

    const accepted = answerNextDialog(page, 'accept')
    await page.click(button)
    await accepted
    await page.waitForSelector('text=已将会员')
    assert.equal(await mergedAway(), kept.memberId)
  })
})
