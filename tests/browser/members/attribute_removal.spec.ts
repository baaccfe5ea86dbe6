import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import { MemberAttributes } from '#app/members/actions/member_attributes'
import { createStaff } from '#tests/support/staff'
import { answerNextDialog, signIn, waitForClientScripts } from '#tests/support/browser'
import { createCompanyWithShops } from '#tests/functional/members/fixtures'

test.group('Browser: removing a custom attribute', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('asks first, naming the attribute; only a yes deletes it', async ({
    assert,
    browserContext,
  }) => {
    const { company } = await createCompanyWithShops()
    const id = await new MemberAttributes().define(
      company.id,
      { label: '衣服尺码', type: 'enum', options: ['S', 'M', 'L'] },
      null
    )
    const admin = await createStaff('admin')
    const page = await browserContext.newPage()
    await signIn(page, admin.email)
    await page.goto('/members/attributes')
    await waitForClientScripts(page)
    const button = `[data-testid="attribute-remove-${id}"] button[type="submit"]`
    const defined = async () =>
      !!(await db.from('member_attribute_definitions').where('id', id).first())

    const asked = answerNextDialog(page, 'dismiss')
    await page.click(button)
    assert.include(await asked, '衣服尺码')
    await page.waitForTimeout(300)
    assert.isTrue(await defined())

    const accepted = answerNextDialog(page, 'accept')
    await page.click(button)
    await accepted
    await page.waitForSelector(button, { state: 'detached' })
    assert.isFalse(await defined())
  })
})
