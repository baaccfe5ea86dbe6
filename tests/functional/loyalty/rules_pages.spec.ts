import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import { ResolveMember } from '#app/members/actions/resolve_member'
import { UpsertOrder } from '#app/commerce/actions/upsert_order'
import { AccrueFromCommerce } from '#app/loyalty/actions/accrue_from_commerce'
import { Tiers } from '#app/loyalty/services/tiers'
import { createStaff } from '#tests/support/staff'
import { createCompanyWithShops } from '#tests/functional/members/fixtures'

const fmt = (d: DateTime) => d.setZone('Asia/Shanghai').toFormat("yyyy-MM-dd'T'HH:mm")

test.group('Loyalty / rules page: multipliers, bonuses, budgets, order page', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('publish a version with tier and item rules and bonuses; a bad line publishes nothing', async ({
    client,
    assert,
  }) => {
    const shops = await createCompanyWithShops()
    const goldId = await new Tiers().create(
      shops.company.id,
      { name: '金卡', color: '#d4a017', threshold: 300_000 },
      null
    )
    const crm = await createStaff('crm')
    const bad = await client
      .post('/loyalty/rules')
      .loginAs(crm)
      .withCsrfToken()
      .header('referer', '/loyalty')
      .form({ pointsPerYuan: '1', itemRules: 'sku:QZ-1 200\nshop:不存在的店 150' })
      .redirects(0)
    bad.assertStatus(302)
    assert.lengthOf(await db.from('loyalty_earning_rules'), 0)

    const publish = await client
      .post('/loyalty/rules')
      .loginAs(crm)
      .withCsrfToken()
      .form({
        pointsPerYuan: '1',
        itemRules: 'sku:QZ-1 200\ncategory:酒水 0\nshop:天猫旗舰店 150',
        [`tierMultipliers[tier_${goldId}]`]: '150',
        signupBonus: '100',
        firstOrderBonus: '50',
        birthdayBonus: '30',
        profileBonus: '0',
        perMemberTotalCap: '5000',
      })
      .redirects(0)
    publish.assertStatus(302)
    const [rule] = await db.from('loyalty_earning_rules')
    assert.equal(Number(rule.per_member_total_cap), 5000)
    assert.deepEqual(JSON.parse(rule.item_rules), [
      { scope: 'sku', match: 'QZ-1', percent: 200 },
      { scope: 'category', match: '酒水', percent: 0 },
      { scope: 'shop', match: String(shops.tmall.id), percent: 150 },
    ])
    assert.deepEqual(JSON.parse(rule.tier_multipliers), { [String(goldId)]: 150 })
    assert.equal(Number(rule.signup_bonus), 100)
    assert.equal(Number(rule.first_order_bonus), 50)

    const page = await client.get('/loyalty').loginAs(crm)
    page.assertStatus(200)
    // The evaluation order: nine steps, then the bonuses.
    assert.equal((page.text().match(/<li>/g) ?? []).length >= 9, true)
    page.assertTextIncludes('等级倍率')
    page.assertTextIncludes('shop:天猫旗舰店 150')
    page.assertTextIncludes('注册 100')
    page.assertTextIncludes('每位会员累计最多 5000 积分')
    page.assertTextIncludes('会员累计上限')

    // Preview with the gold tier in the Tmall shop: ¥100 × 150% (shop) × 150% (tier) = 225.
    const preview = await client
      .get('/loyalty/preview')
      .qs({ paid: '100', tierId: String(goldId), shopId: String(shops.tmall.id) })
      .header('HX-Request', 'true')
      .loginAs(crm)
    assert.match(preview.text(), /data-testid="preview-points">225</)
  })

  test('a rule version with an invalid field: nothing published, a translated summary naming each field', async ({
    client,
    assert,
  }) => {
    await createCompanyWithShops()
    const crm = await createStaff('crm')
    const refused = await client
      .post('/loyalty/rules')
      .loginAs(crm)
      .withCsrfToken()
      .header('referer', '/loyalty')
      .form({ pointsPerYuan: '1', perMemberTotalCap: '2.5', perMemberDailyCap: '-3' })
      .redirects(0)
    refused.assertStatus(302)
    assert.lengthOf(await db.from('loyalty_earning_rules'), 0)
    const flash = refused.flashMessages()
    assert.equal(
      (flash.errorsBag as Record<string, string>).E_VALIDATION_ERROR,
      '没有保存：2 处填写有误。'
    )

    // The rules form shows no error beside its fields: the flash area lists them.
    const page = await client.get('/loyalty').loginAs(crm).withFlashMessages(flash)
    page.assertStatus(200)
    page.assertTextIncludes('没有保存：2 处填写有误。')
    assert.match(page.text(), /<li>每人累计上限必须是整数<\/li>/)
    assert.match(page.text(), /<li>每人每日上限[^<]*1[^<]*<\/li>/)
  })

  test('a promotion with a budget: shown with what is spent on the rules and liability sections', async ({
    client,
    assert,
  }) => {
    const shops = await createCompanyWithShops()
    const member = await new ResolveMember().handle({
      companyId: shops.company.id,
      identities: [{ type: 'phone', value: '13900139000' }],
      profile: { name: '王强' },
    })
    const crm = await createStaff('crm')
    await client
      .post('/loyalty/rules')
      .loginAs(crm)
      .withCsrfToken()
      .form({ pointsPerYuan: '1' })
      .redirects(0)
    const start = DateTime.now().plus({ minutes: 2 })
    await client
      .post('/loyalty/promotions')
      .loginAs(crm)
      .withCsrfToken()
      .form({
        name: '会员日',
        multiplierPercent: '200',
        startsAt: fmt(start),
        endsAt: fmt(start.plus({ days: 1 })),
        budgetPoints: '120',
      })
      .redirects(0)
    const [promotion] = await db.from('loyalty_promotions')
    assert.equal(Number(promotion.budget_points), 120)

    const paidAt = start.plus({ hours: 1 }).toUTC()
    const { orderId } = await new UpsertOrder().handle({
      companyId: shops.company.id,
      shopId: shops.tmall.id,
      platformOrderNo: 'P1',
      memberId: member.memberId,
      status: 'paid',
      orderedAt: paidAt,
      paidAt,
      goodsFen: 20_000,
      paidFen: 20_000,
      items: [{ skuCode: 'QZ-1', title: '羊毛衫', quantity: 1, priceFen: 20_000 }],
    })
    // Before accrual, the order page shows what it would earn: 200 + the 120 the budget holds.
    const before = await client.get(`/loyalty/orders/${orderId}`).loginAs(crm)
    before.assertStatus(200)
    assert.match(before.text(), /data-testid="preview-points">320</)
    before.assertTextIncludes('尚未入账')

    await new AccrueFromCommerce(() => paidAt.plus({ minutes: 5 })).run()
    const after = await client.get(`/loyalty/orders/${orderId}`).loginAs(crm)
    after.assertTextIncludes('入账 320 积分')
    after.assertTextIncludes('其中 120 来自促销预算')

    const page = await client.get('/loyalty').loginAs(crm)
    assert.match(page.text(), /data-testid="promotion-budgets"[\s\S]*会员日[\s\S]*已用完/)

    // The member page links the order to its points page.
    const memberPage = await client.get(`/members/${member.memberId}`).loginAs(crm)
    memberPage.assertTextIncludes(`/loyalty/orders/${orderId}`)

    // Another company's order is not found.
    const other = await createCompanyWithShops()
    const { orderId: foreign } = await new UpsertOrder().handle({
      companyId: other.company.id,
      shopId: other.tmall.id,
      platformOrderNo: 'X1',
      status: 'paid',
      orderedAt: paidAt,
      paidAt,
      goodsFen: 100,
      paidFen: 100,
      items: [],
    })
    const foreignPage = await client.get(`/loyalty/orders/${foreign}`).loginAs(crm)
    foreignPage.assertStatus(404)
  })
})
