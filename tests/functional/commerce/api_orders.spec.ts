import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import type User from '#app/identity/models/user'
import AuditEvent from '#app/shared/audit/models/audit_event'
import { ManageAccessTokens } from '#app/identity/actions/manage_access_tokens'
import Member from '#app/members/models/member'
import Order from '#app/commerce/models/order'
import { createStaff } from '#tests/support/staff'
import { countRows, createCompanyWithShops } from '#tests/functional/members/fixtures'

async function tokenFor(user: User) {
  return new ManageAccessTokens().create(user, { name: 'erp' }, null)
}

const order = {
  status: 'paid',
  orderedAt: '2024-03-05 10:00:00',
  paidAt: '2024-03-05T10:01:00+08:00',
  discountFen: 5000,
  paidFen: 54800,
  couponCodes: ['SPRING50'],
  buyer: {
    phone: '138 0013 8000',
    identities: [{ type: 'taobao_nick', value: 'tb_zhang' }],
    city: '杭州',
  },
  items: [
    {
      skuCode: 'QZ-W-001-BK-M',
      title: '羊毛针织开衫',
      category: '针织衫',
      quantity: 1,
      priceFen: 39900,
    },
    { skuCode: 'QZ-T-007-WH-M', title: '纯棉T恤', category: 'T恤', quantity: 1, priceFen: 19900 },
  ],
}

test.group('API / orders and refunds upsert', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('PUT an order: 201, buyer matched through OneID; the same body again changes nothing', async ({
    client,
    assert,
  }) => {
    const { tmall } = await createCompanyWithShops()
    const crm = await createStaff('crm')
    const secret = await tokenFor(crm)

    const first = await client
      .put(`/api/v1/shops/${tmall.id}/orders/TM001`)
      .json(order)
      .bearerToken(secret)
    first.assertStatus(201)
    assert.equal(first.body().meta.outcome, 'inserted')
    const saved = await Order.query()
      .where('id', first.body().data.id)
      .preload('items')
      .firstOrFail()
    assert.equal(saved.goodsFen, 59800)
    assert.equal(saved.paidFen, 54800)
    // Without an offset the time is the shop's (Asia/Shanghai): 10:00 there is 02:00 UTC.
    assert.equal(
      saved.orderedAt.toUTC().toISO({ suppressMilliseconds: true }),
      '2024-03-05T02:00:00Z'
    )
    assert.lengthOf(saved.items, 2)
    const member = await Member.findOrFail(first.body().data.memberId)
    assert.equal(member.phone!.digits, '13800138000')
    assert.equal(member.orderCount, 1)
    assert.equal(member.spentFen, 54800)

    const orderRow = () => db.from('orders').where('id', saved.id).first()
    const snapshot = async () => ({
      orders: await countRows('orders'),
      items: await countRows('order_items'),
      history: await countRows('commerce_status_changes'),
      members: await countRows('members'),
      audit: await countRows('audit_events'),
      order: await orderRow(),
    })
    const before = await snapshot()
    const again = await client
      .put(`/api/v1/shops/${tmall.id}/orders/TM001`)
      .json(order)
      .bearerToken(secret)
    again.assertStatus(200)
    assert.equal(again.body().meta.outcome, 'unchanged')
    assert.deepEqual(await snapshot(), before)

    const shipped = await client
      .put(`/api/v1/shops/${tmall.id}/orders/TM001`)
      .json({ ...order, status: 'shipped', shippedAt: '2024-03-06T09:00:00+08:00' })
      .bearerToken(secret)
    shipped.assertStatus(200)
    assert.equal(shipped.body().meta.outcome, 'updated')
    const history = await db
      .from('commerce_status_changes')
      .where({ subject_type: 'order', subject_id: saved.id })
      .orderBy('id')
    assert.deepEqual(
      history.map((h: any) => [h.from_status, h.to_status, h.source]),
      [
        [null, 'paid', 'api'],
        ['paid', 'shipped', 'api'],
      ]
    )
    const audits = await AuditEvent.query().where('entityType', 'order').orderBy('id')
    assert.deepEqual(
      audits.map((a) => a.action),
      ['orders.created', 'orders.updated']
    )
    assert.equal(audits[0].actorId, crm.id)
  })

  test('refunds: upsert, idempotent, refused above what was paid or for an unknown order', async ({
    client,
    assert,
  }) => {
    const { tmall, jd } = await createCompanyWithShops()
    const secret = await tokenFor(await createStaff('crm'))
    const placed = await client
      .put(`/api/v1/shops/${tmall.id}/orders/TM002`)
      .json({ ...order, status: 'completed', completedAt: '2024-03-08T10:00:00+08:00' })
      .bearerToken(secret)
    const memberId = placed.body().data.memberId
    const refund = {
      orderNo: 'TM002',
      status: 'completed',
      amountFen: 18240,
      requestedAt: '2024-03-09T10:00:00+08:00',
      completedAt: '2024-03-10T10:00:00+08:00',
      items: [{ skuCode: 'QZ-T-007-WH-M', quantity: 1, amountFen: 18240 }],
    }
    const first = await client
      .put(`/api/v1/shops/${tmall.id}/refunds/RF1`)
      .json(refund)
      .bearerToken(secret)
    first.assertStatus(201)
    const buyer = await Member.findOrFail(memberId)
    assert.equal(buyer.spentFen, 54800 - 18240)
    const refundsBefore = await countRows('refund_items')

    const again = await client
      .put(`/api/v1/shops/${tmall.id}/refunds/RF1`)
      .json(refund)
      .bearerToken(secret)
    again.assertStatus(200)
    assert.equal(again.body().meta.outcome, 'unchanged')
    assert.equal(await countRows('refund_items'), refundsBefore)
    assert.lengthOf(await AuditEvent.query().where('entityType', 'refund'), 1)

    const tooMuch = await client
      .put(`/api/v1/shops/${tmall.id}/refunds/RF2`)
      .json({ ...refund, amountFen: 99999999 })
      .bearerToken(secret)
    tooMuch.assertStatus(422)
    assert.equal(tooMuch.body().error.code, 'E_INVALID_REFUND')

    const otherShop = await client
      .put(`/api/v1/shops/${jd.id}/refunds/RF3`)
      .json(refund)
      .bearerToken(secret)
    otherShop.assertStatus(422)
    assert.equal(await countRows('refunds'), 1)
  })

  test('bad input is refused whole; unknown shop 404; roles without members.import 403', async ({
    client,
    assert,
  }) => {
    const { tmall } = await createCompanyWithShops()
    const secret = await tokenFor(await createStaff('crm'))
    const negative = await client
      .put(`/api/v1/shops/${tmall.id}/orders/TM003`)
      .json({ ...order, paidFen: -1, orderedAt: 'yesterday' })
      .bearerToken(secret)
    negative.assertStatus(422)
    const fields = negative.body().error.details.map((d: any) => d.field)
    assert.includeMembers(fields, ['paidFen', 'orderedAt'])

    const impossible = await client
      .put(`/api/v1/shops/${tmall.id}/orders/TM003`)
      .json({ ...order, orderedAt: '2024-02-30T10:00:00' })
      .bearerToken(secret)
    impossible.assertStatus(422)
    assert.equal(await countRows('orders'), 0)
    assert.equal(await countRows('members'), 0)

    const noShop = await client
      .put('/api/v1/shops/999999/orders/TM003')
      .json(order)
      .bearerToken(secret)
    noShop.assertStatus(404)

    const manager = await tokenFor(await createStaff('manager'))
    const forbidden = await client
      .put(`/api/v1/shops/${tmall.id}/orders/TM003`)
      .json(order)
      .bearerToken(manager)
    forbidden.assertStatus(403)
  })
})
