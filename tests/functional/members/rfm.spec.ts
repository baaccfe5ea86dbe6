import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import { ResolveMember } from '#app/members/actions/resolve_member'
import { UpsertOrder } from '#app/commerce/actions/upsert_order'
import { RecomputeRfm } from '#app/members/actions/recompute_rfm'
import Member from '#app/members/models/member'
import queue from '#app/shared/queue/queue'
import { createStaff } from '#tests/support/staff'
import { createCompanyWithShops } from '#tests/functional/members/fixtures'

/** Ten members: member i bought i+1 times, spending more and more recently the higher i is. */
async function tenMembers() {
  const { company, tmall } = await createCompanyWithShops()
  const now = DateTime.utc()
  const ids: number[] = []
  for (let i = 0; i < 10; i++) {
    const { memberId } = await new ResolveMember().handle({
      companyId: company.id,
      identities: [{ type: 'store_card', value: `R${i}` }],
      profile: { name: `会员${i}` },
    })
    ids.push(memberId)
    for (let k = 0; k <= i; k++) {
      await new UpsertOrder().handle({
        companyId: company.id,
        shopId: tmall.id,
        platformOrderNo: `O${i}-${k}`,
        memberId,
        status: 'completed',
        orderedAt: now.minus({ days: 300 - i * 25 - k }),
        goodsFen: 10000 * (i + 1),
        paidFen: 10000 * (i + 1),
        items: [],
      })
    }
  }
  return { company, ids, now }
}

test.group('Members / RFM and lifecycle', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('quintile scores give the classic segments; no purchase in the window, no segment', async ({
    assert,
  }) => {
    const { company, ids } = await tenMembers()
    const outside = await new ResolveMember().handle({
      companyId: company.id,
      identities: [{ type: 'store_card', value: 'none' }],
    })
    await new RecomputeRfm().handle(company.id)

    const members = await Member.query().whereIn('id', ids).orderBy('id')
    assert.deepEqual(
      members.map((m) => m.rfmSegment),
      [
        'general_retain',
        'general_retain',
        'general_retain',
        'general_retain',
        'important_value',
        'important_value',
        'important_value',
        'important_value',
        'important_value',
        'important_value',
      ]
    )
    const nobody = await Member.findOrFail(outside.memberId)
    assert.isNull(nobody.rfmSegment)

    const summary = await new RecomputeRfm().summary(company.id)
    const value = summary.segments.find((s) => s.code === 'important_value')!
    assert.equal(value.members, 6)
    assert.isAbove(value.share, 0.8)
    assert.equal(
      summary.segments.reduce((n, s) => n + s.members, 0),
      10
    )
  })

  test('SQLite: a recompute leaves the planner statistics of the segment and stage indexes current', async ({
    assert,
  }) => {
    if (db.connection().dialect.name !== 'better-sqlite3') return
    const { company } = await tenMembers()
    // Statistics gathered before any member had a segment or a stage.
    await db.rawQuery('analyze')
    const entries = async (index: string) => {
      const [row] = await db.from('sqlite_stat1').where('idx', index).select('stat')
      return row ? Number(String(row.stat).split(' ')[0]) : 0
    }
    assert.equal(await entries('members_company_id_rfm_segment_index'), 0)

    await new RecomputeRfm().handle(company.id)
    // The planner reads these (a whole partial index looked like a few entries to it).
    assert.equal(await entries('members_company_id_rfm_segment_index'), 10)
    assert.equal(await entries('members_company_id_lifecycle_stage_index'), 10)
  })

  test('lifecycle stages follow the day thresholds', async ({ assert }) => {
    const { company, tmall } = await createCompanyWithShops()
    const now = DateTime.utc()
    const make = async (card: string, daysAgo: number[]) => {
      const { memberId } = await new ResolveMember().handle({
        companyId: company.id,
        identities: [{ type: 'store_card', value: card }],
      })
      for (const [k, days] of daysAgo.entries()) {
        await new UpsertOrder().handle({
          companyId: company.id,
          shopId: tmall.id,
          platformOrderNo: `${card}-${k}`,
          memberId,
          status: 'completed',
          orderedAt: now.minus({ days }),
          goodsFen: 100,
          paidFen: 100,
          items: [],
        })
      }
      return memberId
    }
    const fresh = await make('new', [5])
    const active = await make('active', [200, 60, 40])
    const silent = await make('silent', [400, 120])
    const lost = await make('lost', [500, 365])
    const recalled = await make('recalled', [600, 10])
    // Orders arriving latest first: the stage reads the purchase before the last.
    const recalledLate = await make('recalled-late', [10, 600, 700])
    // Back within the lost days: active, not recalled.
    const back = await make('back', [600, 100, 10])
    await new RecomputeRfm().handle(company.id)
    const stage = async (id: number) => {
      const member = await Member.findOrFail(id)
      return member.lifecycleStage
    }
    assert.equal(await stage(fresh), 'new')
    assert.equal(await stage(active), 'active')
    assert.equal(await stage(silent), 'silent')
    assert.equal(await stage(lost), 'lost')
    assert.equal(await stage(recalled), 'recalled')
    assert.equal(await stage(recalledLate), 'recalled')
    assert.equal(await stage(back), 'active')
  })
})

test.group('Members / RFM page', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('the page shows segment counts and links to the filtered list; recompute runs as a job', async ({
    client,
    assert,
  }) => {
    await tenMembers()
    const crm = await createStaff('crm')
    const started = await client
      .post('/members/rfm/recompute')
      .loginAs(crm)
      .withCsrfToken()
      .redirects(0)
    started.assertStatus(302)
    await queue.drain()

    const page = await client.get('/members/rfm').loginAs(crm)
    page.assertStatus(200)
    page.assertTextIncludes('重要价值')
    page.assertTextIncludes('segment=important_value')
    page.assertTextIncludes('召回成功')

    const list = await client.get('/members').qs({ segment: 'general_retain' }).loginAs(crm)
    list.assertTextIncludes('会员0')
    assert.notInclude(list.text(), '会员9<')
    const active = await client
      .get('/members')
      .qs({ segment: 'important_value', lifecycle: 'lost' })
      .loginAs(crm)
    assert.notInclude(active.text(), '会员9<')
  })
})
