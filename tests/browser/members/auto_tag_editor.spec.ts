import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import queue from '#app/shared/queue/queue'
import { ResolveMember } from '#app/members/actions/resolve_member'
import { UpsertOrder } from '#app/commerce/actions/upsert_order'
import { AutoTags } from '#app/members/actions/auto_tags'
import { createStaff } from '#tests/support/staff'
import { signIn } from '#tests/support/browser'
import { createCompanyWithShops } from '#tests/functional/members/fixtures'

test.group('Browser: auto-tag condition editor', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a second OR group with two conditions, built by clicks on a phone, saved and applied', async ({
    browserContext,
    assert,
  }) => {
    const { company, tmall } = await createCompanyWithShops()
    const people = [
      ['甲', '上海市', '上衣'],
      ['乙', '杭州市', '裤装'],
      ['丙', '杭州市', '上衣'],
    ] as const
    for (const [name, city, category] of people) {
      const { memberId } = await new ResolveMember().handle({
        companyId: company.id,
        identities: [{ type: 'store_card', value: `ED-${name}` }],
        profile: { name, city },
      })
      await new UpsertOrder().handle({
        companyId: company.id,
        shopId: tmall.id,
        platformOrderNo: `ED-${name}`,
        memberId,
        status: 'completed',
        orderedAt: DateTime.utc().minus({ days: 3 }),
        goodsFen: 9900,
        paidFen: 9900,
        items: [
          { skuCode: `S-${category}`, title: category, category, quantity: 1, priceFen: 9900 },
        ],
      })
    }
    const crm = await createStaff('crm')
    const rule = await new AutoTags().create(
      company.id,
      { name: '沪杭客', groups: [{ city: '上海市' }] },
      crm
    )

    const page = await browserContext.newPage()
    await page.setViewportSize({ width: 390, height: 844 })
    const errors: string[] = []
    page.on('pageerror', (error) => errors.push(error.message))
    await signIn(page, crm.email)
    await page.goto(`/members/tag-rules/${rule.id}/edit`)
    const editor = page.locator('[data-testid="auto-tag-conditions"]')
    assert.equal(await editor.locator('[data-testid="condition-group"]').count(), 1)

    // 添加条件组（或）with 城市, then 添加条件 购买品类 in that group.
    await editor.locator('select[name="newGroupField"]').selectOption('city')
    await editor.locator('[data-testid="add-group"]').click()
    await page.waitForSelector('[data-testid="condition-group"] >> nth=1')
    await page.fill('input[name="groups[1][0][value]"]', '杭州市')
    await editor.locator('select[name="newField[1]"]').selectOption('category')
    await editor.locator('[data-testid="add-condition"]').nth(1).click()
    await page.waitForSelector('input[name="groups[1][1][value]"]')
    assert.equal(
      await page.inputValue('input[name="groups[1][0][value]"]'),
      '杭州市',
      'typed value kept'
    )
    await page.fill('input[name="groups[1][1][value]"]', '裤装')

    await Promise.all([
      page.waitForURL(/\/members\/tags/),
      editor.locator('[data-testid="save-conditions"]').click(),
    ])
    const stored = await db.from('member_tag_rules').where('id', rule.id).firstOrFail()
    assert.deepEqual(JSON.parse(stored.filters), [
      { city: '上海市' },
      { city: '杭州市', category: '裤装' },
    ])
    await queue.drain()
    const tagged = await db
      .from('member_tag_assignments')
      .join('members', 'members.id', 'member_tag_assignments.member_id')
      .where('tag_id', rule.tagId)
      .orderBy('members.name')
      .select('members.name')
    assert.sameMembers(
      tagged.map((row: any) => row.name),
      ['甲', '乙']
    )
    assert.deepEqual(errors, [])
  })
})
