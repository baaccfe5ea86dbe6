import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import queue from '#app/shared/queue/queue'
import AuditEvent from '#app/shared/audit/models/audit_event'
import { ResolveMember } from '#app/members/actions/resolve_member'
import { UpsertOrder } from '#app/commerce/actions/upsert_order'
import { RecomputeRfm, DEFAULT_RFM_SETTINGS } from '#app/members/actions/recompute_rfm'
import { UpdateRfmSettings } from '#app/members/actions/update_rfm_settings'
import Member from '#app/members/models/member'
import { createStaff } from '#tests/support/staff'
import { createCompanyWithShops } from '#tests/functional/members/fixtures'

/** Member i bought i+1 times (each 100×(i+1) yuan), the last one 300 − 26·i days ago. */
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
  return { company, ids }
}

const form = {
  windowDays: '365',
  highScore: '3',
  newDays: '30',
  activeDays: '90',
  lostDays: '180',
  scoring: 'thresholds',
  r: ['60', '120', '180', '240'],
  f: ['2', '4', '6', '8'],
  m: ['500', '2000', '5000', '8000'],
}

test.group('Members / RFM settings', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('fixed thresholds score each member on their own; saved from the screen, audited, recomputed', async ({
    client,
    assert,
  }) => {
    const { company, ids } = await tenMembers()
    const crm = await createStaff('crm', { locale: 'en' })
    const screen = await client.get('/members/rfm/settings').loginAs(crm)
    screen.assertStatus(200)
    screen.assertTextIncludes('Fixed thresholds')

    const saved = await client
      .post('/members/rfm/settings')
      .loginAs(crm)
      .withCsrfToken()
      .form(form)
      .redirects(0)
    saved.assertStatus(302)
    await queue.drain()

    const settings = await new RecomputeRfm().settings(company.id)
    assert.equal(settings.scoring, 'thresholds')
    assert.deepEqual(settings.mThresholds, [50000, 200000, 500000, 800000])
    const audit = await AuditEvent.query()
      .where('action', 'members.rfm_settings_updated')
      .firstOrFail()
    assert.equal(audit.actorId, crm.id)
    assert.equal((audit.changes as any).scoring.after, 'thresholds')

    const scores = async (i: number) => {
      const m = await Member.findOrFail(ids[i])
      return [m.rfmR, m.rfmF, m.rfmM, m.rfmSegment]
    }
    assert.deepEqual(await scores(0), [1, 1, 1, 'general_retain'])
    assert.deepEqual(await scores(3), [2, 3, 2, 'general_keep'])
    assert.deepEqual(await scores(4), [2, 3, 3, 'important_keep'])
    assert.deepEqual(await scores(5), [3, 4, 3, 'important_value'])
    assert.deepEqual(await scores(9), [4, 5, 5, 'important_value'])
  })

  test('a recompute clears what no longer applies and leaves the rest as it was', async ({
    assert,
  }) => {
    const { company, ids } = await tenMembers()
    const rfm = new RecomputeRfm()
    await rfm.handle(company.id)
    const before = await Member.query().whereIn('id', ids).orderBy('id')
    assert.equal(before[0].rfmSegment, 'general_retain')
    assert.isNotNull(before[0].lifecycleStage)

    // Member 0's only purchase leaves the window; member 1 is merged away (orders moved off it).
    await db
      .from('orders')
      .where('member_id', ids[0])
      .update({ ordered_at: DateTime.utc().minus({ days: 400 }).toSQL({ includeOffset: false }) })
    await db.from('orders').where('member_id', ids[1]).update({ member_id: ids[2] })
    await db
      .from('members')
      .where('id', ids[1])
      .update({ merged_into_id: ids[2], last_order_at: null, order_count: 0 })
    await rfm.handle(company.id)

    const after = await Member.query().whereIn('id', ids).orderBy('id')
    assert.isNull(after[0].rfmSegment)
    assert.isNull(after[0].rfmR)
    assert.isNull(after[1].rfmSegment)
    assert.isNull(after[1].lifecycleStage)
    assert.equal(after[9].rfmSegment, before[9].rfmSegment)
    assert.equal(after[9].lifecycleStage, before[9].lifecycleStage)
  })

  test('the RFM page has charts that link to the filtered list', async ({ client }) => {
    const { company } = await tenMembers()
    await new RecomputeRfm().handle(company.id)
    const crm = await createStaff('crm')
    const page = await client.get('/members/rfm').loginAs(crm)
    page.assertStatus(200)
    page.assertTextIncludes('data-echarts=')
    page.assertTextIncludes('&quot;param&quot;:&quot;segment&quot;')
    page.assertTextIncludes('&quot;code&quot;:&quot;important_value&quot;')
    page.assertTextIncludes('&quot;param&quot;:&quot;lifecycle&quot;')
  })

  test('inconsistent settings are refused and nothing changes; viewers cannot open the screen', async ({
    client,
    assert,
  }) => {
    const { company } = await tenMembers()
    await assert.rejects(
      () =>
        new UpdateRfmSettings().handle(
          company.id,
          { ...DEFAULT_RFM_SETTINGS, newDays: 100, activeDays: 90 },
          null
        ),
      /stage_order/
    )
    await assert.rejects(
      () =>
        new UpdateRfmSettings().handle(
          company.id,
          { ...DEFAULT_RFM_SETTINGS, scoring: 'thresholds', fThresholds: [5, 4, 6, 8] },
          null
        ),
      /ascending/
    )
    const crm = await createStaff('crm')
    const bad = await client
      .post('/members/rfm/settings')
      .loginAs(crm)
      .withCsrfToken()
      .form({ ...form, r: ['60', '120'] })
      .redirects(0)
    bad.assertStatus(302)
    assert.isNull(await db.from('member_rfm_settings').where('company_id', company.id).first())

    const viewer = await createStaff('viewer')
    const refused = await client.get('/members/rfm/settings').loginAs(viewer)
    refused.assertStatus(403)
  })
})
