import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import queue from '#app/shared/queue/queue'
import { ResolveMember } from '#app/members/actions/resolve_member'
import { UpsertOrder } from '#app/commerce/actions/upsert_order'
import {
  DEFAULT_RFM_SETTINGS,
  RecomputeRfm,
  type RfmSettings,
} from '#app/members/actions/recompute_rfm'
import { IncrementalRfm } from '#app/members/actions/incremental_rfm'
import { AutoTags } from '#app/members/actions/auto_tags'
import { incrementalRfmJob } from '#app/members/jobs/incremental_rfm_job'
import { recomputeRfmJob } from '#app/members/jobs/recompute_rfm_job'
import app from '@adonisjs/core/services/app'
import { mkdir, writeFile } from 'node:fs/promises'
import { randomUUID } from 'node:crypto'
import { ExecuteImport } from '#app/members/actions/execute_import'
import { importJob } from '#app/members/jobs/import_job'
import { createStaff } from '#tests/support/staff'
import { createCompanyWithShops } from '#tests/functional/members/fixtures'

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number) {
  let state = seed
  return (n: number) => {
    state = (state * 1103515245 + 12345) % 2147483648
    return state % n
  }
}

async function setup(scoring: RfmSettings['scoring']) {
  const { company, tmall } = await createCompanyWithShops()
  const stamp = new Date().toISOString().replace('T', ' ').slice(0, 19)
  await db.table('member_rfm_settings').insert({
    company_id: company.id,
    ...RecomputeRfm.settingsRow({ ...DEFAULT_RFM_SETTINGS, scoring }),
    created_at: stamp,
    updated_at: stamp,
  })
  const now = DateTime.utc()
  let orderNo = 0
  const member = async (name: string) => {
    const { memberId } = await new ResolveMember().handle({
      companyId: company.id,
      identities: [{ type: 'store_card', value: name }],
      profile: { name },
    })
    return memberId
  }
  const order = (memberId: number, daysAgo: number, paidFen: number, status = 'completed') =>
    new UpsertOrder().handle({
      companyId: company.id,
      shopId: tmall.id,
      platformOrderNo: `INC-${++orderNo}`,
      memberId,
      status: status as any,
      // Whole days plus a few hours: no order sits on a day threshold.
      orderedAt: now.minus({ days: daysAgo, hours: 3 }),
      goodsFen: paidFen,
      paidFen,
      items: [],
    })
  return { company, tmall, member, order, nextNo: () => `INC-${orderNo}` }
}

async function snapshot(companyId: number) {
  const rows = await db
    .from('members')
    .where('company_id', companyId)
    .orderBy('id')
    .select('id', 'rfm_r', 'rfm_f', 'rfm_m', 'rfm_segment', 'lifecycle_stage')
  return rows.map((r: any) => ({
    id: r.id,
    r: r.rfm_r === null ? null : Number(r.rfm_r),
    f: r.rfm_f === null ? null : Number(r.rfm_f),
    m: r.rfm_m === null ? null : Number(r.rfm_m),
    segment: r.rfm_segment,
    stage: r.lifecycle_stage,
  }))
}

async function dirtyCount(companyId: number) {
  const [{ n }] = await db.from('member_rfm_dirty').where('company_id', companyId).count('* as n')
  return Number(n)
}

test.group('Members / incremental RFM', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('fixed thresholds: the incremental result equals a full recompute (seed {$self})')
    .with([1, 7, 42])
    .run(async ({ assert }, seed) => {
      const next = random(seed)
      const { company, member, order } = await setup('thresholds')
      const ids: number[] = []
      for (let i = 0; i < 14; i++) {
        const id = await member(`T${seed}-${i}`)
        ids.push(id)
        for (let k = next(4); k > 0; k--) await order(id, next(500), 1000 + next(150000))
      }
      await new RecomputeRfm().handle(company.id)
      await db.from('member_rfm_dirty').delete()

      // Orders change for some members: new purchases, a closed order, a new buyer.
      const touched = new Set<number>()
      for (let i = 0; i < 6; i++) {
        const id = ids[next(ids.length)]
        touched.add(id)
        await order(id, next(400), 1000 + next(300000), next(5) === 0 ? 'closed' : 'completed')
      }
      const newcomer = await member(`T${seed}-new`)
      await order(newcomer, 2, 50000)
      touched.add(newcomer)
      assert.equal(await dirtyCount(company.id), touched.size)

      const before = await snapshot(company.id)
      const { memberIds, full } = await new IncrementalRfm().drain(company.id)
      assert.isFalse(full)
      assert.sameMembers(memberIds, [...touched])
      assert.equal(await dirtyCount(company.id), 0)
      const incremental = await snapshot(company.id)
      // Members not touched were not written.
      for (const row of incremental.filter((r) => !touched.has(r.id)))
        assert.deepEqual(
          row,
          before.find((b) => b.id === row.id)
        )

      await new RecomputeRfm().handle(company.id)
      assert.deepEqual(incremental, await snapshot(company.id))
    })

  test('quintiles: members are placed in the last full ranking; unchanged members keep their scores', async ({
    assert,
  }) => {
    const { company, member, order } = await setup('quintiles')
    const ids: number[] = []
    // Ties on purpose: pairs with the same number of purchases and amounts.
    for (let i = 0; i < 10; i++) {
      const id = await member(`Q${i}`)
      ids.push(id)
      for (let k = 0; k <= Math.floor(i / 2); k++)
        await order(id, 300 - i * 20 - k, 10000 * (Math.floor(i / 2) + 1))
    }
    await new RecomputeRfm().handle(company.id)
    const cuts = await new IncrementalRfm().captureCuts(company.id)
    assert.isNotNull(cuts)
    const full = await snapshot(company.id)

    // Recomputing everybody against the stored cuts reproduces the ranking, ties included.
    await db.from('member_rfm_dirty').delete()
    await db.table('member_rfm_dirty').multiInsert(
      ids.map((id) => ({
        member_id: id,
        company_id: company.id,
        marked_at: '2000-01-01 00:00:00',
      }))
    )
    await new IncrementalRfm().drain(company.id)
    assert.deepEqual(await snapshot(company.id), full)

    // The weakest member buys big today: most recent, paid the most → R = 5, M = 5.
    await order(ids[0], 0, 900000)
    await new IncrementalRfm().drain(company.id)
    const after = await snapshot(company.id)
    const weakest = after.find((r) => r.id === ids[0])!
    assert.equal(weakest.r, 5)
    assert.equal(weakest.m, 5)
    // F: two purchases now, tied with the member opening quintile 2 but with a
    // lower id; ties go by member id, as NTILE ordered them, so F stays 1.
    assert.equal(weakest.f, 1)
    // Bought today after 300 days without: 召回成功.
    assert.equal(weakest.stage, 'recalled')
    for (const row of after.filter((r) => r.id !== ids[0]))
      assert.deepEqual(
        row,
        full.find((b) => b.id === row.id)
      )
  })

  test('no cut points yet: the incremental job ranks everybody once', async ({ assert }) => {
    const { company, member, order } = await setup('quintiles')
    for (let i = 0; i < 6; i++) await order(await member(`N${i}`), 10 + i * 30, 10000 * (i + 1))
    const { full } = await new IncrementalRfm().drain(company.id)
    assert.isTrue(full)
    assert.equal(await dirtyCount(company.id), 0)
    const reference = await snapshot(company.id)
    await new RecomputeRfm().handle(company.id)
    assert.deepEqual(await snapshot(company.id), reference)
    assert.isNotNull(await db.from('member_rfm_cuts').where('company_id', company.id).first())
  })

  test('jobs: the full recompute clears the marks and stores cuts; the incremental job drains and re-tags', async ({
    assert,
  }) => {
    const { company, member, order } = await setup('thresholds')
    const crm = await createStaff('crm')
    const a = await member('JA')
    const b = await member('JB')
    await order(a, 100, 5000)
    await order(b, 100, 5000)
    await queue.dispatch(recomputeRfmJob, { companyId: company.id })
    await queue.drain()
    await queue.drain()
    assert.equal(await dirtyCount(company.id), 0)

    const rule = await new AutoTags().create(
      company.id,
      { name: '最近活跃', groups: [{ lifecycle: 'active' }] },
      crm
    )
    await new AutoTags().apply(company.id)
    const ruleRow = await db.from('member_tag_rules').where('id', rule.id).firstOrFail()
    assert.equal(ruleRow.member_count, 0)

    // B buys again today: marked dirty, the incremental job moves B from 沉默 to 活跃 and tags B.
    await order(b, 0, 8000)
    assert.equal(await dirtyCount(company.id), 1)
    await queue.dispatch(incrementalRfmJob, {})
    await queue.drain()
    assert.equal(await dirtyCount(company.id), 0)
    const row = await db.from('members').where('id', b).firstOrFail()
    assert.equal(row.lifecycle_stage, 'active')
    const tagged = await db
      .from('member_tag_assignments')
      .where('tag_id', rule.tagId)
      .select('member_id')
    assert.deepEqual(
      tagged.map((t: any) => t.member_id),
      [b]
    )
  })

  test('the RFM page counts are stored by each run and read as of the last one', async ({
    assert,
  }) => {
    const { company, member, order } = await setup('thresholds')
    const a = await member('汇总甲')
    const b = await member('汇总乙')
    await order(a, 10, 30000)
    await order(b, 200, 5000)
    await new RecomputeRfm().handle(company.id)
    const totals = async () => {
      const summary = await new RecomputeRfm().summary(company.id)
      return {
        members: summary.segments.reduce((n, s) => n + s.members, 0),
        spentFen: summary.segments.reduce((n, s) => n + s.spentFen, 0),
        stages: summary.stages.reduce((n, s) => n + s.members, 0),
      }
    }
    assert.deepEqual(await totals(), { members: 2, spentFen: 35000, stages: 2 })

    // A new buyer and a new order change the members, not yet the stored counts.
    const c = await member('汇总丙')
    await order(c, 5, 8000)
    await order(a, 3, 2000)
    assert.deepEqual(await totals(), { members: 2, spentFen: 35000, stages: 2 })

    // The incremental run that places them stores the counts again.
    await new IncrementalRfm().drain(company.id)
    assert.deepEqual(await totals(), { members: 3, spentFen: 45000, stages: 3 })
  })

  test('the incremental job runs every 5 minutes; the auto-tag job is registered', async ({
    assert,
  }) => {
    await import('#start/jobs')
    assert.deepInclude(queue.schedules, {
      name: incrementalRfmJob.name,
      cron: '*/5 * * * *',
      tz: 'Asia/Shanghai',
    })
    assert.include(queue.registeredJobs, 'members.auto_tags')
  })

  test('an order import ends with an incremental RFM of the members whose orders it changed', async ({
    assert,
  }) => {
    const { company, member, order } = await setup('thresholds')
    const ids: number[] = []
    for (let i = 0; i < 6; i++) {
      const id = await member(`IMP-${i}`)
      ids.push(id)
      await order(id, 400 - i * 10, 5000)
    }
    await new RecomputeRfm().handle(company.id)
    await new IncrementalRfm().captureCuts(company.id)
    await db.from('member_rfm_dirty').delete()
    // Wipe every score: whoever is rescored afterwards shows it.
    await db
      .from('members')
      .where('company_id', company.id)
      .update({ rfm_r: null, rfm_f: null, rfm_m: null, rfm_segment: null, lifecycle_stage: null })

    const day = DateTime.now().setZone('Asia/Shanghai').minus({ days: 2 }).toFormat('yyyy-MM-dd')
    const csv = [
      'shop,order_no,status,ordered_at,paid_amount,store_card,sku_code,title,quantity,price',
      `天猫旗舰店,IMP-A1,交易成功,${day} 10:00:00,3000.00,IMP-1,SKU-1,外套,1,3000`,
      `天猫旗舰店,IMP-A2,交易成功,${day} 11:00:00,2000.00,IMP-1,SKU-1,外套,1,2000`,
      `天猫旗舰店,IMP-B1,交易成功,${day} 12:00:00,1500.00,IMP-4,SKU-2,长裤,1,1500`,
      `天猫旗舰店,IMP-C1,交易成功,${day} 13:00:00,800.00,IMP-NEW,SKU-2,长裤,1,800`,
    ].join('\n')
    const dir = app.tmpPath('test-imports')
    await mkdir(dir, { recursive: true })
    const path = `${dir}/${randomUUID()}.csv`
    await writeFile(path, csv)
    const record = await new ExecuteImport().record({
      companyId: company.id,
      kind: 'orders',
      fileName: 'orders.csv',
      filePath: path,
      requestedById: null,
    })
    await queue.dispatch(importJob, { importId: record.id, shopId: null })
    await queue.drain()
    const marked = await db.from('member_rfm_dirty').orderBy('member_id').select('member_id')
    // Drained by the job the import dispatched (drain runs what was queued meanwhile).
    if (marked.length) await queue.drain()
    assert.equal(await dirtyCount(company.id), 0)

    const runs = await db
      .from('job_runs')
      .whereIn('job_name', ['members.rfm_incremental', 'members.rfm_recompute'])
    assert.deepEqual(
      runs.map((run: any) => [run.job_name, run.status]),
      [['members.rfm_incremental', 'completed']]
    )

    // Only the buyers of the file were rescored (two members, one new); the others were left alone.
    const newcomer = await db
      .from('member_identities')
      .where({ company_id: company.id, type: 'store_card', value: 'IMP-NEW' })
      .firstOrFail()
    const after = await snapshot(company.id)
    const rescored = after.filter((row) => row.segment !== null).map((row) => row.id)
    assert.deepEqual(rescored, [ids[1], ids[4], newcomer.member_id])
    assert.isNull(after.find((row) => row.id === ids[0])!.stage)

    // And their segments are what a full recompute gives.
    await new RecomputeRfm().handle(company.id)
    const full = await snapshot(company.id)
    for (const id of [ids[1], ids[4], newcomer.member_id]) {
      assert.deepEqual(
        after.find((row) => row.id === id),
        full.find((row) => row.id === id)
      )
    }
    assert.equal(full.find((row) => row.id === ids[1])!.stage, 'active')
  })
})
