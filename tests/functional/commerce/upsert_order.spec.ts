import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import { UpsertOrder, type OrderInput } from '#app/commerce/actions/upsert_order'
import { UpsertRefund, type RefundInput } from '#app/commerce/actions/upsert_refund'
import Order from '#app/commerce/models/order'
import StatusChange from '#app/commerce/models/status_change'
import Member from '#app/members/models/member'
import { BOUGHT_CATEGORIES } from '#app/commerce/actions/member_stats'
import { createCompanyWithShops } from '#tests/functional/members/fixtures'
import { countRows } from '#tests/functional/members/fixtures'
import {
  pretendSqliteStatistics,
  queryPlan,
  useTrueSqliteStatistics,
} from '#tests/support/query_plans'

function orderInput(
  companyId: number,
  shopId: number,
  overrides: Partial<OrderInput> = {}
): OrderInput {
  return {
    companyId,
    shopId,
    platformOrderNo: 'TM20240305001',
    status: 'paid',
    orderedAt: DateTime.fromISO('2024-03-05T10:00:00', { zone: 'Asia/Shanghai' }),
    paidAt: DateTime.fromISO('2024-03-05T10:01:00', { zone: 'Asia/Shanghai' }),
    goodsFen: 59800,
    discountFen: 5000,
    shippingFen: 0,
    paidFen: 54800,
    couponCodes: ['SPRING50'],
    items: [
      {
        skuCode: 'QZ-W-001-BK-M',
        title: '羊毛针织开衫 黑色 M',
        category: '针织衫',
        quantity: 1,
        priceFen: 39900,
        paidFen: 36560,
      },
      {
        skuCode: 'QZ-T-007-WH-M',
        title: '纯棉T恤 白色 M',
        category: 'T恤',
        quantity: 1,
        priceFen: 19900,
        paidFen: 18240,
      },
    ],
    ...overrides,
  }
}

test.group('Commerce / upsert order', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('inserts an order with items, coupons and its first status', async ({ assert }) => {
    const { company, tmall } = await createCompanyWithShops()
    const result = await new UpsertOrder().handle(orderInput(company.id, tmall.id))
    assert.equal(result.outcome, 'inserted')

    const order = await Order.query().where('id', result.orderId).preload('items').firstOrFail()
    assert.equal(order.paidFen, 54800)
    assert.deepEqual(order.couponCodes, ['SPRING50'])
    assert.lengthOf(order.items, 2)
    assert.equal(order.items[0].paidFen, 36560)
    assert.isNotNull(order.items[0].skuId)
    const product = await db.from('products').where('code', 'QZ-W-001-BK-M').first()
    assert.equal(product.category, '针织衫')

    const history = await StatusChange.query().where({ subjectType: 'order', subjectId: order.id })
    assert.deepEqual(
      history.map((h) => [h.fromStatus, h.toStatus]),
      [[null, 'paid']]
    )
  })

  test('the same order again changes nothing', async ({ assert }) => {
    const { company, tmall } = await createCompanyWithShops()
    const first = await new UpsertOrder().handle(orderInput(company.id, tmall.id))
    const before = await db.from('orders').where('id', first.orderId).first()
    const again = await new UpsertOrder().handle(orderInput(company.id, tmall.id))

    assert.equal(again.outcome, 'unchanged')
    assert.equal(again.orderId, first.orderId)
    const after = await db.from('orders').where('id', first.orderId).first()
    assert.deepEqual(after, before)
    assert.equal(await countRows('order_items'), 2)
    assert.equal(await countRows('commerce_status_changes'), 1)
  })

  test('a status change updates the order and is recorded, items keep their ids', async ({
    assert,
  }) => {
    const { company, tmall } = await createCompanyWithShops()
    const first = await new UpsertOrder().handle(orderInput(company.id, tmall.id))
    const lineIds = async () => {
      const rows = await db.from('order_items').orderBy('line_no').select('id')
      return rows.map((r) => r.id)
    }
    const itemIds = await lineIds()

    const shippedAt = DateTime.fromISO('2024-03-06T09:00:00', { zone: 'Asia/Shanghai' })
    const result = await new UpsertOrder().handle(
      orderInput(company.id, tmall.id, { status: 'shipped', shippedAt })
    )
    assert.equal(result.outcome, 'updated')

    const order = await Order.findOrFail(first.orderId)
    assert.equal(order.status, 'shipped')
    assert.equal(order.shippedAt!.toISO(), shippedAt.toUTC().toISO())
    assert.deepEqual(await lineIds(), itemIds)

    const history = await StatusChange.query()
      .where({ subjectType: 'order', subjectId: order.id })
      .orderBy('id')
    assert.deepEqual(
      history.map((h) => [h.fromStatus, h.toStatus]),
      [
        [null, 'paid'],
        ['paid', 'shipped'],
      ]
    )
    assert.equal(history[1].changedAt.toISO(), shippedAt.toUTC().toISO())
  })

  test('the same order number in another shop is another order', async ({ assert }) => {
    const { company, tmall, jd } = await createCompanyWithShops()
    const a = await new UpsertOrder().handle(orderInput(company.id, tmall.id))
    const b = await new UpsertOrder().handle(orderInput(company.id, jd.id))
    assert.notEqual(a.orderId, b.orderId)
    assert.equal(b.outcome, 'inserted')
  })

  test('rejects negative amounts and bad quantities', async ({ assert }) => {
    const { company, tmall } = await createCompanyWithShops()
    await assert.rejects(() =>
      new UpsertOrder().handle(orderInput(company.id, tmall.id, { paidFen: -1 }))
    )
    const items = [{ skuCode: 'X', title: 'x', quantity: 0, priceFen: 100 }]
    await assert.rejects(() =>
      new UpsertOrder().handle(orderInput(company.id, tmall.id, { items }))
    )
    assert.equal(await countRows('orders'), 0)
  })

  test('the categories a member bought follow their orders', async ({ assert }) => {
    const { company, tmall } = await createCompanyWithShops()
    const member = await Member.create({ companyId: company.id, name: '王芳', gender: 'female' })
    const bought = async () => {
      const rows = await db
        .from('member_categories')
        .where('member_id', member.id)
        .orderBy('category')
        .select('category')
      return rows.map((row) => row.category)
    }

    await new UpsertOrder().handle(
      orderInput(company.id, tmall.id, { memberId: member.id, status: 'pending', paidAt: null })
    )
    assert.deepEqual(await bought(), [], 'an unpaid order is not a purchase')

    await new UpsertOrder().handle(orderInput(company.id, tmall.id, { memberId: member.id }))
    assert.deepEqual(await bought(), ['T恤', '针织衫'])

    await new UpsertOrder().handle(
      orderInput(company.id, tmall.id, {
        memberId: member.id,
        status: 'closed',
        closedAt: DateTime.utc(),
      })
    )
    assert.deepEqual(await bought(), [], 'a closed order no longer counts')
  })

  test('SQLite: the categories of a batch of members are read from their orders, whatever the statistics say', async ({
    assert,
  }) => {
    if (db.connection().dialect.name !== 'better-sqlite3') return
    // Statistics of a small catalogue gathered before a large import: few products, few
    // lines per SKU. The planner then started from the products and read every line.
    await pretendSqliteStatistics([
      ['products', 'products_company_id_category_index', '16 16 2'],
      ['skus', 'skus_product_id_index', '192 12'],
      ['order_items', 'order_items_sku_id_index', '3021 16'],
      ['order_items', 'order_items_order_id_line_no_unique', '3021 3 1'],
      ['orders', 'orders_member_id_ordered_at_index', '1500 7 1'],
    ])
    // A batch of 500 members, as MemberStats.recompute reads them.
    const ids = Array.from({ length: 500 }, (_, i) => i + 1)
    const plan = await queryPlan({
      sql: `${BOUGHT_CATEGORIES} and orders.member_id in (${ids.map(() => '?').join(', ')})`,
      bindings: ids,
    })
    const steps = plan.split('\n')
    await useTrueSqliteStatistics()
    assert.match(steps[0], /^SEARCH orders USING INDEX orders_member_id/)
    assert.match(steps[1], /^SEARCH order_items USING INDEX order_items_order_id/)
  })

  test('member figures follow orders and completed refunds', async ({ assert }) => {
    const { company, tmall } = await createCompanyWithShops()
    const member = await Member.create({ companyId: company.id, name: '王芳', gender: 'female' })
    await new UpsertOrder().handle(orderInput(company.id, tmall.id, { memberId: member.id }))
    await new UpsertOrder().handle(
      orderInput(company.id, tmall.id, {
        memberId: member.id,
        platformOrderNo: 'TM2',
        status: 'closed',
        closedAt: DateTime.utc(),
      })
    )
    await member.refresh()
    assert.equal(member.orderCount, 1)
    assert.equal(member.spentFen, 54800)

    const refund = {
      companyId: company.id,
      shopId: tmall.id,
      platformRefundNo: 'RF1',
      platformOrderNo: 'TM20240305001',
      status: 'requested' as const,
      amountFen: 18240,
      requestedAt: DateTime.fromISO('2024-03-08T12:00:00', { zone: 'Asia/Shanghai' }),
      items: [{ skuCode: 'QZ-T-007-WH-M', quantity: 1, amountFen: 18240 }],
    }
    const outcome = async (input: RefundInput) => {
      const result = await new UpsertRefund().handle(input)
      return result.outcome
    }
    assert.equal(await outcome(refund), 'inserted')
    assert.equal(await outcome(refund), 'unchanged')
    await member.refresh()
    assert.equal(member.spentFen, 54800)

    const completed = { ...refund, status: 'completed' as const, completedAt: DateTime.utc() }
    assert.equal(await outcome(completed), 'updated')
    await member.refresh()
    assert.equal(member.spentFen, 54800 - 18240)

    const refundRow = await db.from('refunds').where('platform_refund_no', 'RF1').first()
    const history = await StatusChange.query()
      .where({ subjectType: 'refund', subjectId: refundRow.id })
      .orderBy('id')
    assert.deepEqual(
      history.map((h) => [h.fromStatus, h.toStatus]),
      [
        [null, 'requested'],
        ['requested', 'completed'],
      ]
    )
    const refundItem = await db.from('refund_items').where('refund_id', refundRow.id).first()
    assert.isNotNull(refundItem.order_item_id)
  })

  test('a refund for an unknown order or above the paid amount is refused', async ({ assert }) => {
    const { company, tmall } = await createCompanyWithShops()
    await new UpsertOrder().handle(orderInput(company.id, tmall.id))
    const base = {
      companyId: company.id,
      shopId: tmall.id,
      platformRefundNo: 'RF9',
      status: 'requested' as const,
      requestedAt: DateTime.utc(),
    }
    await assert.rejects(() =>
      new UpsertRefund().handle({ ...base, platformOrderNo: 'NOPE', amountFen: 1 })
    )
    await assert.rejects(() =>
      new UpsertRefund().handle({ ...base, platformOrderNo: 'TM20240305001', amountFen: 99999999 })
    )
  })
})
