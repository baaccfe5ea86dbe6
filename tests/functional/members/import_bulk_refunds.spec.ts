import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import { RunImport, type ImportSummary } from '#app/members/imports/run_import'
import { BulkRefundImport } from '#app/members/imports/bulk_refunds'
import { createCompanyWithShops, csvFile } from '#tests/functional/members/fixtures'

const ORDERS = [
  'shop,order_no,status,ordered_at,paid_at,completed_at,paid_amount,phone,buyer_name,sku_code,title,category,quantity,price',
  '天猫旗舰店,TM1001,交易成功,2024-03-05 10:00,2024-03-05 10:01,2024-03-08 10:00,548.00,13800138000,李小芳,QZ-W-001,羊毛开衫,针织衫,1,399.00',
  '天猫旗舰店,TM1001,交易成功,2024-03-05 10:00,2024-03-05 10:01,2024-03-08 10:00,548.00,13800138000,李小芳,QZ-T-007,纯棉T恤,T恤,1,199.00',
  '天猫旗舰店,TM1002,交易成功,2024-03-06 11:00,2024-03-06 11:01,2024-03-09 11:00,199,13900139000,王强,QZ-T-007,纯棉T恤,T恤,1,199',
  '京东店,JD2001,已付款,2024-04-01 09:00,2024-04-01 09:05,,299,,,QZ-P-003,休闲长裤,裤装,1,299',
].join('\n')

const HEADER =
  '店铺,退款编号,订单号,退款状态,退款金额,申请时间,完成时间,退款原因,商家编码,数量,商品退款金额'

/** Two items of one refund, a request, an unknown order, too much, a negative amount, an unknown SKU, no member. */
const FIRST = [
  HEADER,
  '天猫旗舰店,RF1,TM1001,退款成功,250,2024-03-08 12:00,2024-03-09 12:00,尺码不合适,QZ-T-007,1,199',
  '天猫旗舰店,RF1,TM1001,退款成功,250,2024-03-08 12:00,2024-03-09 12:00,尺码不合适,QZ-W-001,1,51',
  '天猫旗舰店,RF2,TM1002,买家已经申请退款,50,2024-03-10 10:00,,,,,',
  '天猫旗舰店,RF3,NOPE,退款成功,1,2024-03-08 12:00,,,,,',
  '天猫旗舰店,RF4,TM1002,退款成功,9999,2024-03-08 12:00,,,,,',
  '天猫旗舰店,RF5,TM1002,退款成功,-5,2024-03-08 12:00,,,,,',
  '天猫旗舰店,RF6,TM1002,已同意,10,2024-03-11 10:00,,,QZ-X,1,10',
  '京东店,RF7,JD2001,退款成功,29.9,2024-04-02 10:00,2024-04-03 10:00,,,,',
].join('\n')

/** RF1 again, RF2 completed (a changed refund), a new one, and the new one again in the same batch. */
const SECOND = [
  HEADER,
  '天猫旗舰店,RF1,TM1001,退款成功,250,2024-03-08 12:00,2024-03-09 12:00,尺码不合适,QZ-T-007,1,199',
  '天猫旗舰店,RF1,TM1001,退款成功,250,2024-03-08 12:00,2024-03-09 12:00,尺码不合适,QZ-W-001,1,51',
  '天猫旗舰店,RF2,TM1002,退款成功,50,2024-03-10 10:00,2024-03-12 10:00,,,,',
  '天猫旗舰店,RF8,TM1002,退款成功,20,2024-03-13 10:00,2024-03-13 11:00,,,,',
  '天猫旗舰店,RF6,TM1002,已同意,10,2024-03-11 10:00,,,QZ-X,1,10',
  '天猫旗舰店,RF8,TM1002,退款成功,20,2024-03-13 10:00,2024-03-13 11:00,,,,',
].join('\n')

const DROP = new Set(['id', 'created_at', 'updated_at', 'company_id'])

/** Refunds, their items and status rows, and the members' figures, ids replaced by rank. */
async function snapshot(companyId: number) {
  const rank = async (table: string, query: any) => {
    const list = await query.select(`${table}.id`).orderBy(`${table}.id`)
    return new Map<number, number>(list.map((r: any, i: number) => [r.id, i + 1]))
  }
  const orders = await rank('orders', db.from('orders').where('company_id', companyId))
  const shops = await rank('shops', db.from('shops').where('company_id', companyId))
  const members = await rank('members', db.from('members').where('company_id', companyId))
  const refunds = await rank('refunds', db.from('refunds').where('company_id', companyId))
  const lines = await rank(
    'order_items',
    db.from('order_items').whereIn('order_id', [...orders.keys()])
  )
  const refs: Record<string, Map<number, number>> = {
    order_id: orders,
    shop_id: shops,
    refund_id: refunds,
    subject_id: refunds,
    order_item_id: lines,
    member_id: members,
  }
  const clean = (row: Record<string, any>) => {
    const out: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(row)) {
      if (DROP.has(key)) continue
      if (refs[key] && value !== null) out[key] = refs[key].get(value) ?? `?${value}`
      else if (value instanceof Date) out[key] = value.toISOString()
      else if (typeof value === 'bigint') out[key] = Number(value)
      else out[key] = value
    }
    return out
  }
  const ids = [...refunds.keys()]
  const refundRows = await db.from('refunds').where('company_id', companyId).orderBy('id')
  const itemRows = await db.from('refund_items').whereIn('refund_id', ids).orderBy('id')
  const statusRows = await db
    .from('commerce_status_changes')
    .where('subject_type', 'refund')
    .whereIn('subject_id', ids)
    .orderBy('id')
  const memberRows = await db
    .from('members')
    .where('company_id', companyId)
    .orderBy('id')
    .select('spent_fen', 'order_count')
  return {
    refunds: refundRows.map(clean),
    items: itemRows.map(clean),
    statuses: statusRows.map(clean),
    members: memberRows.map(clean),
  }
}

const counts = (s: ImportSummary) => ({
  rows: s.rows,
  inserted: s.inserted,
  updated: s.updated,
  duplicates: s.duplicates,
  rejected: s.rejected,
  rejects: s.rejects.map((r) => `${r.line}:${r.column}:${r.reason}`).sort(),
})

async function load(bulk: boolean, batchSize: number) {
  const { company } = await createCompanyWithShops()
  const run = async (kind: 'orders' | 'refunds', content: string) =>
    counts(
      await new RunImport().handle({
        companyId: company.id,
        kind,
        path: await csvFile(content),
        bulk,
        batchSize,
      })
    )
  await run('orders', ORDERS)
  const summaries = [
    await run('refunds', FIRST),
    await run('refunds', SECOND),
    await run('refunds', FIRST),
    await run('refunds', FIRST),
  ]
  return { company, summaries }
}

test.group('Members / import / bulk refund path', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  for (const batchSize of [2000, 2]) {
    test(`same database state and counts as the per-unit path (batch ${batchSize})`, async ({
      assert,
    }) => {
      const rowPath = await load(false, batchSize)
      BulkRefundImport.counters = { fast: 0, fallback: 0, failedWrites: 0 }
      const bulkPath = await load(true, batchSize)
      assert.equal(BulkRefundImport.counters.failedWrites, 0)
      assert.isAbove(BulkRefundImport.counters.fast, BulkRefundImport.counters.fallback)
      assert.isAbove(BulkRefundImport.counters.fallback, 0)

      assert.deepEqual(bulkPath.summaries, rowPath.summaries)
      for (const s of bulkPath.summaries) {
        assert.equal(s.rows, s.inserted + s.updated + s.duplicates + s.rejected)
      }
      const [first, second, back, again] = bulkPath.summaries
      assert.deepInclude(first, { rows: 8, inserted: 5, updated: 0, duplicates: 0, rejected: 3 })
      assert.deepEqual(first.rejects, [
        '5:order_no:order_not_found',
        '6::refund_exceeds_paid',
        '7:退款金额:negative_amount',
      ])
      assert.deepInclude(second, { rows: 6, inserted: 1, updated: 1, duplicates: 4 })
      assert.deepInclude(back, { inserted: 0, updated: 1, rejected: 3 })
      assert.deepInclude(again, { inserted: 0, updated: 0, duplicates: 5, rejected: 3 })

      const expected = await snapshot(rowPath.company.id)
      const actual = await snapshot(bulkPath.company.id)
      assert.deepEqual(actual, expected)
      assert.lengthOf(actual.refunds, 5)
      // RF1's items point at the order's lines; RF6's unknown SKU at none.
      assert.deepEqual(
        (actual.items as any[]).map((i) => [i.sku_code, i.order_item_id]),
        [
          ['QZ-T-007', 2],
          ['QZ-W-001', 1],
          ['QZ-X', null],
        ]
      )
    })
  }
})
