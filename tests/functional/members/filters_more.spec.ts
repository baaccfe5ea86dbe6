import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import { ResolveMember } from '#app/members/actions/resolve_member'
import { UpsertOrder } from '#app/commerce/actions/upsert_order'
import { ListMembers, type MemberFilters } from '#app/members/actions/list_members'
import { memberFilterParams } from '#app/members/member_filter_params'
import MemberTag from '#app/members/models/member_tag'
import { Tiers } from '#app/loyalty/services/tiers'
import { createStaff } from '#tests/support/staff'
import { createCompanyWithShops } from '#tests/functional/members/fixtures'

/**
 * Four members: A bought product P (SKU P-RED) 10 days ago, B bought P-BLUE
 * (same product) 200 days ago but the order is closed, C bought Q 100 days
 * ago, D bought nothing. Tiers: A gold, C silver. Points: A 500, B -20
 * (negative allowed), C 80, D no account.
 */
async function seed() {
  const { company, tmall } = await createCompanyWithShops()
  const now = DateTime.utc()
  const ids: Record<string, number> = {}
  for (const name of ['A', 'B', 'C', 'D']) {
    const { memberId } = await new ResolveMember().handle({
      companyId: company.id,
      identities: [{ type: 'store_card', value: `F-${name}` }],
      profile: { name: `筛选${name}` },
    })
    ids[name] = memberId
  }
  const order = (
    no: string,
    member: string,
    sku: string,
    product: string,
    days: number,
    status = 'completed'
  ) =>
    new UpsertOrder().handle({
      companyId: company.id,
      shopId: tmall.id,
      platformOrderNo: no,
      memberId: ids[member],
      status: status as any,
      orderedAt: now.minus({ days }),
      goodsFen: 9900,
      paidFen: 9900,
      items: [
        {
          skuCode: sku,
          productCode: product,
          title: product,
          category: '上衣',
          quantity: 1,
          priceFen: 9900,
        },
      ],
    })
  await order('F1', 'A', 'P-RED', 'P', 10)
  await order('F2', 'B', 'P-BLUE', 'P', 200, 'closed')
  await order('F3', 'C', 'Q-ONE', 'Q', 100)

  const stamp = new Date().toISOString().replace('T', ' ').slice(0, 19)
  const loyaltyTiers = new Tiers()
  const gold = await loyaltyTiers.create(
    company.id,
    { name: '金卡', color: '#d4a017', threshold: 100000 },
    null
  )
  const silver = await loyaltyTiers.create(
    company.id,
    { name: '银卡', color: '#c0c0c0', threshold: 10000 },
    null
  )
  await db.table('member_tiers').multiInsert([
    { company_id: company.id, member_id: ids.A, tier_id: gold, updated_at: stamp },
    { company_id: company.id, member_id: ids.C, tier_id: silver, updated_at: stamp },
  ])
  await db.table('points_accounts').multiInsert([
    {
      company_id: company.id,
      member_id: ids.A,
      balance: 500,
      negative_allowed: false,
      created_at: stamp,
      updated_at: stamp,
    },
    {
      company_id: company.id,
      member_id: ids.B,
      balance: -20,
      negative_allowed: true,
      created_at: stamp,
      updated_at: stamp,
    },
    {
      company_id: company.id,
      member_id: ids.C,
      balance: 80,
      negative_allowed: false,
      created_at: stamp,
      updated_at: stamp,
    },
  ])
  return { company, ids, tiers: [{ id: gold }, { id: silver }] }
}

async function names(companyId: number, filters: MemberFilters) {
  const rows = await new ListMembers().query(companyId, filters, 'Asia/Shanghai').orderBy('name')
  return rows.map((m) => m.name!.replace('筛选', '')).join('')
}

test.group('Members / filters on product, tier, points and days since last order', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('each filter selects exactly the members it names', async ({ assert }) => {
    const { company, tiers } = await seed()
    const c = company.id
    // Product by product code (any of its SKUs) or by SKU code; only purchases count.
    assert.equal(await names(c, { product: 'P' }), 'A')
    assert.equal(await names(c, { product: 'P-RED' }), 'A')
    assert.equal(await names(c, { product: 'P-BLUE' }), '')
    assert.equal(await names(c, { product: 'Q' }), 'C')
    assert.equal(await names(c, { product: 'nothing' }), '')

    assert.equal(await names(c, { tier: tiers[0].id }), 'A')
    assert.equal(await names(c, { tier: tiers[1].id }), 'C')

    // No account = 0 points: inside a range containing 0, outside one that does not.
    assert.equal(await names(c, { minPoints: 100 }), 'A')
    assert.equal(await names(c, { maxPoints: 100 }), 'BCD')
    assert.equal(await names(c, { minPoints: 0, maxPoints: 100 }), 'CD')
    assert.equal(await names(c, { minPoints: 50, maxPoints: 100 }), 'C')
    assert.equal(await names(c, { maxPoints: -1 }), 'B')
    assert.equal(await names(c, { minPoints: 0 }), 'ACD')

    // B's only order is closed, so B has no last purchase at all.
    assert.equal(await names(c, { lastOrderWithinDays: 30 }), 'A')
    assert.equal(await names(c, { lastOrderWithinDays: 150 }), 'AC')
    assert.equal(await names(c, { lastOrderOverDays: 30 }), 'C')
    assert.equal(await names(c, { lastOrderOverDays: 150 }), '')

    // They combine with each other.
    assert.equal(await names(c, { product: 'P', minPoints: 600 }), '')
    assert.equal(await names(c, { tier: tiers[1].id, lastOrderOverDays: 30 }), 'C')
  })

  test('a city matches with or without its 市 suffix, and only that city', async ({ assert }) => {
    const { company } = await createCompanyWithShops()
    for (const [name, city] of [
      ['甲', '杭州市'],
      ['乙', '杭州'],
      ['丙', '杭州湾新区'],
      ['丁', '市'],
    ]) {
      await new ResolveMember().handle({
        companyId: company.id,
        identities: [{ type: 'store_card', value: `city-${name}` }],
        profile: { name: `筛选${name}`, city },
      })
    }
    // Sorted here: the databases' collations order CJK names differently.
    const inCity = async (city: string) => [...(await names(company.id, { city }))].sort().join('')
    assert.equal(await inCity('杭州'), '乙甲')
    assert.equal(await inCity('杭州市'), '乙甲')
    assert.equal(await inCity(' 杭州 '), '乙甲')
    assert.equal(await inCity('市'), '丁')
  })

  test('a name matches by its beginning, letters in either case, % and _ as typed', async ({
    assert,
  }) => {
    const { company } = await createCompanyWithShops()
    for (const name of [
      '王小明',
      '王',
      '汪洋',
      '小王',
      'Wang Li',
      'wangfang',
      '王𠀀',
      '100%会员',
      '100元会员',
      '王_一',
      '王二一',
    ]) {
      await new ResolveMember().handle({
        companyId: company.id,
        identities: [{ type: 'store_card', value: `name-${name}` }],
        profile: { name },
      })
    }
    const named = async (name: string) => {
      const rows = await new ListMembers().query(company.id, { name }, 'Asia/Shanghai')
      return rows.map((member) => member.name!).sort()
    }
    assert.deepEqual(await named('王小'), ['王小明'])
    assert.deepEqual(await named('wang'), ['Wang Li', 'wangfang'].sort())
    assert.deepEqual(await named('小'), ['小王'])
    assert.deepEqual(await named('李'), [])
    // What staff type is text: % and _ are characters of the name, not wildcards.
    assert.deepEqual(await named('%'), [])
    assert.deepEqual(await named('100%'), ['100%会员'])
    assert.deepEqual(await named('王_'), ['王_一'])
    assert.deepEqual(await named('王'), ['王', '王_一', '王二一', '王小明', '王𠀀'].sort())
  })

  test('the province choices: each province of the company once, in order', async ({ assert }) => {
    const { company } = await createCompanyWithShops()
    const other = await createCompanyWithShops()
    const members: [number, string, string | undefined][] = [
      [company.id, '甲', '浙江省'],
      [company.id, '乙', '江苏省'],
      [company.id, '丙', '浙江省'],
      [company.id, '丁', undefined],
      [company.id, '戊', '上海市'],
      [other.company.id, '己', '广东省'],
    ]
    for (const [companyId, name, province] of members) {
      await new ResolveMember().handle({
        companyId,
        identities: [{ type: 'store_card', value: `province-${name}` }],
        profile: { name, province },
      })
    }
    const provinces = await new ListMembers().provinces(company.id)
    // In the database's own order (its collation orders CJK text its way), each once.
    assert.sameMembers(provinces, ['上海市', '江苏省', '浙江省'])
    const ordered = await db
      .from('members')
      .where('company_id', company.id)
      .whereNotNull('province')
      .distinct('province')
      .orderBy('province')
    assert.deepEqual(
      provinces,
      ordered.map((row) => row.province)
    )
    assert.deepEqual(await new ListMembers().provinces(company.id, 2), provinces.slice(0, 2))
  })

  test('the list page, the export and bulk tagging carry the new filters', async ({
    client,
    assert,
  }) => {
    const { company, tiers, ids } = await seed()
    const crm = await createStaff('crm', { locale: 'en' })
    const page = await client.get('/members').qs({ product: 'P', tier: tiers[0].id }).loginAs(crm)
    page.assertStatus(200)
    page.assertTextIncludes('筛选A')
    assert.notInclude(page.text(), '筛选C')
    page.assertTextIncludes('金卡')

    const kept = memberFilterParams({
      product: 'P',
      tier: 3,
      minPoints: 0,
      attribute: 2,
      attributeValue: 'x',
      after: 'zz',
    })
    assert.deepEqual(kept, {
      product: 'P',
      tier: 3,
      minPoints: 0,
      attribute: 2,
      attributeValue: 'x',
    })

    const { id: tagId } = await MemberTag.create({ companyId: company.id, name: '高积分' })
    const bulk = await client
      .post('/members/tags/bulk')
      .loginAs(crm)
      .withCsrfToken()
      .form({ tagId, minPoints: '100' })
      .redirects(0)
    bulk.assertStatus(302)
    const tagged = await db
      .from('member_tag_assignments')
      .where('tag_id', tagId)
      .select('member_id')
    assert.deepEqual(
      tagged.map((r: any) => r.member_id),
      [ids.A]
    )
  })
})
