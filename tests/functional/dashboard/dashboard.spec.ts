import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { DateTime } from 'luxon'
import { UpsertOrder } from '#app/commerce/actions/upsert_order'
import { UpsertRefund } from '#app/commerce/actions/upsert_refund'
import { ResolveMember } from '#app/members/actions/resolve_member'
import { BusinessOverview } from '#app/dashboard/actions/business_overview'
import { DashboardCardRegistry } from '#app/dashboard/dashboard_cards'
import { createCompanyWithShops } from '#tests/functional/members/fixtures'
import { createStaff } from '#tests/support/staff'
import db from '@adonisjs/lucid/services/db'
import { toDbTime } from '#app/shared/kernel/db_values'

const zone = 'Asia/Shanghai'
const local = (iso: string) => DateTime.fromISO(iso, { zone })

async function buy(
  companyId: number,
  shopId: number,
  memberId: number | null,
  no: string,
  at: string,
  paidFen: number,
  status: 'paid' | 'closed' = 'paid'
) {
  return new UpsertOrder().handle({
    companyId,
    shopId,
    memberId,
    platformOrderNo: no,
    status,
    orderedAt: local(at),
    paidAt: status === 'paid' ? local(at) : null,
    closedAt: status === 'closed' ? local(at) : null,
    goodsFen: paidFen,
    paidFen,
    items: [{ title: '羊绒围巾', quantity: 1, priceFen: paidFen }],
  })
}

test.group('Dashboard / business overview', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('figures for the last 7 days in the company zone, against the 7 days before', async ({
    assert,
  }) => {
    const { company, tmall } = await createCompanyWithShops()
    const member = async (card: string, registered: string) => {
      const result = await new ResolveMember().handle({
        companyId: company.id,
        identities: [{ type: 'store_card', value: card }],
        profile: { name: card, registeredAt: local(registered) },
      })
      return result.memberId
    }
    const a = await member('A', '2026-11-20T08:00:00')
    const b = await member('B', '2026-11-25T09:59:00')
    const c = await member('C', '2025-01-01T00:00:00')
    // now = 2026-11-25 10:00 in Shanghai: the period is 11-19 00:00 … now (local).
    await buy(company.id, tmall.id, a, 'T1', '2026-11-19T00:30:00', 10000) // first local minute of the period
    await buy(company.id, tmall.id, a, 'T2', '2026-11-24T23:30:00', 30000) // a repeat buyer
    await buy(company.id, tmall.id, b, 'T3', '2026-11-25T09:00:00', 20000)
    await buy(company.id, tmall.id, c, 'T4', '2026-11-22T12:00:00', 99900, 'closed') // not a purchase
    await buy(company.id, tmall.id, c, 'T5', '2026-11-18T23:59:00', 5000) // the period before
    // Orders without a known buyer: orders and amount, but neither buyers nor repeat buyers.
    await buy(company.id, tmall.id, null, 'T6', '2026-11-21T10:00:00', 1000)
    await buy(company.id, tmall.id, null, 'T7', '2026-11-22T10:00:00', 2000)
    const refund = await new UpsertRefund().handle({
      companyId: company.id,
      shopId: tmall.id,
      platformOrderNo: 'T2',
      platformRefundNo: 'R1',
      status: 'completed',
      amountFen: 3000,
      requestedAt: local('2026-11-25T08:00:00'),
      completedAt: local('2026-11-25T08:30:00'),
    })
    assert.exists(refund)

    const overview = await new BusinessOverview().handle({
      companyId: company.id,
      zone,
      days: 7,
      now: local('2026-11-25T10:00:00'),
    })
    assert.equal(overview.from.toISO(), local('2026-11-19T00:00:00').toISO())
    assert.deepInclude(overview.current, {
      gmvFen: 63000,
      orders: 5,
      buyers: 2,
      aovFen: 12600,
      repurchasePermille: 500,
      refundedFen: 3000,
      newMembers: 2,
    })
    assert.deepInclude(overview.previous, { gmvFen: 5000, orders: 1, buyers: 1 })
    assert.lengthOf(overview.daily, 7)
    assert.deepEqual(overview.daily[0], { date: '2026-11-19', gmvFen: 10000 })
    assert.deepEqual(overview.daily[5], { date: '2026-11-24', gmvFen: 30000 })
    assert.deepEqual(overview.daily[6], { date: '2026-11-25', gmvFen: 20000 })
  })

  test('new members: by registration date, else by when first seen; merged members never', async ({
    assert,
  }) => {
    const { company } = await createCompanyWithShops()
    const member = async (card: string, registered: string | null, firstSeen: string) => {
      const { memberId } = await new ResolveMember().handle({
        companyId: company.id,
        identities: [{ type: 'store_card', value: card }],
        profile: { name: card, registeredAt: registered ? local(registered) : undefined },
      })
      await db
        .from('members')
        .where('id', memberId)
        .update({ created_at: toDbTime(local(firstSeen)) })
      return memberId
    }
    const kept = await member('R1', '2026-11-21T08:00:00', '2026-11-01T00:00:00')
    // Registered in the period before, first seen in this one: counted by registration.
    await member('R2', '2026-11-15T08:00:00', '2026-11-22T00:00:00')
    await member('U1', null, '2026-11-23T10:00:00')
    await member('U2', null, '2026-11-12T10:00:00') // first seen in the period before
    const mergedRegistered = await member('M1', '2026-11-22T08:00:00', '2026-11-22T08:00:00')
    const mergedUndated = await member('M2', null, '2026-11-24T08:00:00')
    await db
      .from('members')
      .whereIn('id', [mergedRegistered, mergedUndated])
      .update({ merged_into_id: kept })

    const overview = await new BusinessOverview().handle({
      companyId: company.id,
      zone,
      days: 7,
      now: local('2026-11-25T10:00:00'),
    })
    assert.equal(overview.current.newMembers, 2)
    assert.equal(overview.previous.newMembers, 2)
  })
})

test.group('Dashboard / page', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('shows the cards the role may see, with the chosen period', async ({ client }) => {
    await createCompanyWithShops()
    const crm = await createStaff('crm')
    const page = await client.get('/').qs({ days: 90 }).loginAs(crm)
    page.assertStatus(200)
    page.assertTextIncludes('data-card="business_overview"')
    page.assertTextIncludes('近90天')
    page.assertTextIncludes('data-card="my_jobs"')
  })

  test('an unknown period falls back to 30 days', async ({ client, assert }) => {
    await createCompanyWithShops()
    const viewer = await createStaff('viewer')
    const page = await client.get('/').qs({ days: 'drop table' }).loginAs(viewer)
    page.assertStatus(200)
    assert.match(page.text(), /aria-current="page"\s*>近30天/)
  })

  test('a card that fails is shown as unavailable; the others still load', async ({ assert }) => {
    const registry = new DashboardCardRegistry()
    registry.register({
      id: 'broken',
      permission: 'dashboard.view',
      order: 1,
      component: 'x',
      load: async () => {
        throw new Error('boom')
      },
    })
    registry.register({
      id: 'fine',
      permission: 'dashboard.view',
      order: 2,
      component: 'y',
      load: async () => 42,
    })
    registry.register({
      id: 'hidden',
      permission: 'users.manage',
      order: 3,
      component: 'z',
      load: async () => 1,
    })
    const viewer = await createStaff('viewer')
    const cards = await registry.load({ auth: { user: viewer } } as any)
    assert.deepEqual(
      cards.map((card) => [card.id, card.failed, card.data]),
      [
        ['broken', true, null],
        ['fine', false, 42],
      ]
    )
  })
})
