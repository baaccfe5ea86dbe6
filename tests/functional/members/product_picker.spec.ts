import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { DateTime } from 'luxon'
import { ResolveMember } from '#app/members/actions/resolve_member'
import { UpsertOrder } from '#app/commerce/actions/upsert_order'
import { SearchProducts } from '#app/commerce/actions/search_products'
import { createStaff } from '#tests/support/staff'
import { createCompanyWithShops } from '#tests/functional/members/fixtures'

/** A company whose orders created three products (code = SKU code). */
async function catalogue() {
  const shops = await createCompanyWithShops()
  const { memberId } = await new ResolveMember().handle({
    companyId: shops.company.id,
    identities: [{ type: 'store_card', value: 'PICK-1' }],
  })
  const items = [
    { skuCode: 'QZ-T-007', title: '纯棉T恤', category: 'T恤' },
    { skuCode: 'QZ-W-001', title: '羊毛开衫', category: '针织衫' },
    { skuCode: 'AB_100%', title: '百分百棉袜', category: null },
  ]
  for (const [i, item] of items.entries()) {
    await new UpsertOrder().handle({
      companyId: shops.company.id,
      shopId: shops.tmall.id,
      platformOrderNo: `PICK-${i}`,
      memberId,
      status: 'completed',
      orderedAt: DateTime.utc().minus({ days: 1 }),
      goodsFen: 100,
      paidFen: 100,
      items: [{ ...item, quantity: 1, priceFen: 100 }],
    })
  }
  return shops
}

test.group('Members / product picker of the list filter', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('codes by their beginning in either case, names by any part; typed text is no pattern', async ({
    assert,
  }) => {
    const { company } = await catalogue()
    const other = await createCompanyWithShops()
    const codes = async (companyId: number, text: string) => {
      const products = await new SearchProducts().handle(companyId, text)
      return products.map((p) => p.code)
    }
    assert.deepEqual(await codes(company.id, 'qz-'), ['QZ-T-007', 'QZ-W-001'])
    assert.deepEqual(await codes(company.id, '开衫'), ['QZ-W-001'])
    assert.deepEqual(await codes(company.id, '  T恤'), ['QZ-T-007'])
    // % and _ are text: "AB_" matches AB_100% only, "%" matches nothing but it.
    assert.deepEqual(await codes(company.id, 'AB_'), ['AB_100%'])
    assert.deepEqual(await codes(company.id, '%'), [])
    assert.deepEqual(await codes(company.id, ''), [])
    assert.deepEqual(await codes(other.company.id, 'qz-'), [])
  })

  test('the list page asks for options as staff type; the fragment is the options alone', async ({
    client,
    assert,
  }) => {
    await catalogue()
    const operator = await createStaff('operator')
    const page = await client.get('/members').loginAs(operator)
    page.assertTextIncludes('list="member-product-options"')

    const options = await client
      .get('/members/product-options')
      .qs({ product: 'qz-w' })
      .header('HX-Request', 'true')
      .loginAs(operator)
    options.assertStatus(200)
    assert.include(options.text(), '<option value="QZ-W-001">羊毛开衫 · 针织衫</option>')
    assert.notInclude(options.text(), 'QZ-T-007')
    assert.notInclude(options.text(), '<html')

    const signedOut = await client
      .get('/members/product-options')
      .qs({ product: 'qz' })
      .redirects(0)
    assert.notEqual(signedOut.status(), 200)
  })
})
