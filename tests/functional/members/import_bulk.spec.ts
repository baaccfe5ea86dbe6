import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import { RunImport, type ImportSummary } from '#app/members/imports/run_import'
import { BulkOrderImport } from '#app/members/imports/bulk_orders'
import { MemberStats } from '#app/commerce/actions/member_stats'
import Member from '#app/members/models/member'
import { DateTime } from 'luxon'
import { createCompanyWithShops, csvFile } from '#tests/functional/members/fixtures'

const MEMBERS = [
  '买家昵称,姓名,手机号,性别,生日,省份,城市',
  'tb_小芳,李小芳,13800138000,女,1990-05-01,浙江省,杭州市',
  'tb_阿强,王强,13900139000,男,1985-12-03,江苏省,南京市',
  'tb_老周,周一,13600136000,男,1980-01-01,浙江省,宁波市',
].join('\n')

const HEADER =
  'shop,order_no,status,ordered_at,paid_at,completed_at,paid_amount,coupon_codes,phone,taobao_nick,jd_pin,buyer_name,province,sku_code,title,category,quantity,price'

/** New, two-line, matched by phone, by nick, new buyer twice, no buyer, rejects, a repeat. */
const FIRST = [
  HEADER,
  '天猫旗舰店,TM1001,交易成功,2024-03-05 10:00,2024-03-05 10:01,2024-03-08 10:00,548.00,SPRING50,13800138000,tb_小芳,,李小芳,,QZ-W-001,羊毛开衫,针织衫,1,399.00',
  '天猫旗舰店,TM1001,交易成功,2024-03-05 10:00,2024-03-05 10:01,2024-03-08 10:00,548.00,SPRING50,13800138000,tb_小芳,,李小芳,,QZ-T-007,纯棉T恤,T恤,1,199.00',
  '京东店,JD2001,已付款,2024-04-01 09:00,2024-04-01 09:05,,299,,13800138000,,jd_xiaofang,李小芳,,QZ-P-003,休闲长裤,裤装,1,299',
  '天猫旗舰店,TM1002,交易成功,2024-03-06 11:00,2024-03-06 11:01,2024-03-09 11:00,199,,,tb_阿强,,,,QZ-T-007,纯棉T恤,T恤,1,199',
  '天猫旗舰店,TM1003,已付款,2024-03-07 12:00,2024-03-07 12:01,,99,,13700000001,tb_新人,,新人,上海,QZ-S-010,袜子,配饰,2,49.50',
  '京东店,JD2002,已完成,2024-02-30 09:00,,,299,,13900000009,,jd_bad,某人,,QZ-P-003,休闲长裤,裤装,1,299',
  '天猫旗舰店,TM1004,交易成功,2024-03-08 12:00,2024-03-08 12:01,2024-03-10 12:00,49.5,,13700000001,,,,,QZ-S-010,袜子,配饰,1,49.50',
  '不存在的店,X1,已完成,2024-04-01 09:00,,,10,,13900000008,,,某人,,S,商品,,1,10',
  '天猫旗舰店,TM1005,待付款,2024-03-09 12:00,,,10,,,,,,,QZ-S-010,袜子,配饰,1,10',
  '天猫旗舰店,TM1006,交易成功,2024-03-09 13:00',
  '天猫旗舰店,TM1001,交易成功,2024-03-05 10:00,2024-03-05 10:01,2024-03-08 10:00,548.00,SPRING50,13800138000,tb_小芳,,李小芳,,QZ-W-001,羊毛开衫,针织衫,1,399.00',
  '天猫旗舰店,TM1001,交易成功,2024-03-05 10:00,2024-03-05 10:01,2024-03-08 10:00,548.00,SPRING50,13800138000,tb_小芳,,李小芳,,QZ-T-007,纯棉T恤,T恤,1,199.00',
  '湖滨门店,S3001,已付款,2024-03-10 15:00,2024-03-10 15:00,,88,,13600136000,,,,,QZ-S-010,袜子,配饰,1,88',
].join('\n')

/** Unchanged, changed status and amount, new, and a buyer whose phone and nick are two members. */
const SECOND = [
  HEADER,
  '天猫旗舰店,TM1001,交易成功,2024-03-05 10:00,2024-03-05 10:01,2024-03-08 10:00,548.00,SPRING50,13800138000,tb_小芳,,李小芳,,QZ-W-001,羊毛开衫,针织衫,1,399.00',
  '天猫旗舰店,TM1001,交易成功,2024-03-05 10:00,2024-03-05 10:01,2024-03-08 10:00,548.00,SPRING50,13800138000,tb_小芳,,李小芳,,QZ-T-007,纯棉T恤,T恤,1,199.00',
  '京东店,JD2001,交易成功,2024-04-01 09:00,2024-04-01 09:05,2024-04-05 09:00,299,,13800138000,,jd_xiaofang,李小芳,,QZ-P-003,休闲长裤,裤装,1,299',
  '天猫旗舰店,TM1007,交易成功,2024-05-01 10:00,2024-05-01 10:01,2024-05-03 10:00,120,,13900139000,tb_小芳,,,,QZ-T-007,纯棉T恤,T恤,1,120',
  '天猫旗舰店,TM1008,交易成功,2024-05-02 10:00,2024-05-02 10:01,2024-05-04 10:00,60,,13500000002,tb_又一新人,,又一新人,北京,QZ-N-001,新品,新品类,1,60',
  '天猫旗舰店,TM1003,已付款,2024-03-07 12:00,2024-03-07 12:01,,99,,13700000001,tb_新人,,新人,上海,QZ-S-010,袜子,配饰,2,49.50',
].join('\n')

/** A new buyer twice in one batch: a closed order (not a purchase) and one with a line without SKU. */
const THIRD = [
  HEADER,
  '天猫旗舰店,TM1101,交易关闭,2024-06-01 10:00,,,0,,13300000003,,,新买家,浙江,QZ-W-001,羊毛开衫,针织衫,1,399.00',
  '天猫旗舰店,TM1102,交易成功,2024-06-02 10:00,2024-06-02 10:01,2024-06-05 10:00,88,,13300000003,,,新买家,浙江,,手工礼盒,,1,88',
].join('\n')

/** Changed orders: TM1001 down to one line at a new price, TM1004 completed → closed with a new amount. */
const FOURTH = [
  HEADER,
  '天猫旗舰店,TM1001,交易成功,2024-03-05 10:00,2024-03-05 10:01,2024-03-08 10:00,349.00,SPRING50,13800138000,tb_小芳,,李小芳,,QZ-W-001,羊毛开衫,针织衫,1,349.00',
  '天猫旗舰店,TM1004,交易关闭,2024-03-08 12:00,2024-03-08 12:01,,0,,13700000001,,,,,QZ-S-010,袜子,配饰,1,49.50',
].join('\n')

/** A refund of 阿强's TM1002 (in full), then a new order of his and one of 小芳 (no refunds). */
const REFUND = [
  'shop,refund_no,order_no,status,amount,requested_at,completed_at',
  '天猫旗舰店,RF1,TM1002,completed,199,2024-03-10 10:00,2024-03-11 10:00',
].join('\n')
const FIFTH = [
  HEADER,
  '天猫旗舰店,TM1009,交易成功,2024-07-01 10:00,2024-07-01 10:01,2024-07-03 10:00,50,,,tb_阿强,,,,QZ-T-007,纯棉T恤,T恤,1,50',
  '天猫旗舰店,TM1010,交易成功,2024-01-02 10:00,2024-01-02 10:01,2024-01-03 10:00,30,,13800138000,,,,,QZ-N-001,新品,新品类,1,30',
].join('\n')

// Fingerprints hash the member id, which differs between the two companies; that they are
// right shows in the last import finding every order unchanged.
const DROP = new Set([
  'id',
  'created_at',
  'updated_at',
  'phone_encrypted',
  'company_id',
  'fingerprint',
])

/**
 * Everything the imports wrote for one company, ids replaced by their rank
 * in insertion order, so two companies loaded the same way compare equal.
 */
async function snapshot(companyId: number, since: Date) {
  const ids = async (table: string, where: (q: any) => any) => {
    const list = await where(db.from(table)).select('id').orderBy('id')
    return new Map<number, number>(list.map((r: any, i: number) => [r.id, i + 1]))
  }
  const byCompany = (q: any) => q.where('company_id', companyId)
  const shops = await ids('shops', byCompany)
  const members = await ids('members', byCompany)
  const orders = await ids('orders', byCompany)
  const skus = await ids('skus', byCompany)
  const products = await ids('products', byCompany)
  const refs: Record<string, Map<number, number>> = {
    shop_id: shops,
    source_shop_id: shops,
    member_id: members,
    merged_into_id: members,
    order_id: orders,
    subject_id: orders,
    sku_id: skus,
    product_id: products,
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
    if (row.changed_at && new Date(String(row.changed_at).replace(' ', 'T') + 'Z') >= since)
      out.changed_at = 'now'
    if (row.changed_at instanceof Date && row.changed_at >= since) out.changed_at = 'now'
    return out
  }
  const rows = async (query: any) => {
    const list = await query
    return list.map(clean)
  }
  const orderIds = [...orders.keys()]
  const categories = await byCompany(db.from('member_categories')).select('category', 'member_id')
  return {
    members: await rows(byCompany(db.from('members')).orderBy('id')),
    identities: await rows(byCompany(db.from('member_identities')).orderBy('id')),
    orders: await rows(byCompany(db.from('orders')).orderBy('id')),
    items: await rows(db.from('order_items').whereIn('order_id', orderIds).orderBy('id')),
    statuses: await rows(
      db
        .from('commerce_status_changes')
        .where('subject_type', 'order')
        .whereIn('subject_id', orderIds)
        .orderBy('id')
    ),
    products: await rows(byCompany(db.from('products')).orderBy('id')),
    skus: await rows(byCompany(db.from('skus')).orderBy('id')),
    categories: categories.map((r: any) => `${r.category}:${members.get(r.member_id)}`).sort(),
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
  const run = (kind: 'members' | 'orders' | 'refunds', path: string) =>
    new RunImport().handle({ companyId: company.id, kind, path, bulk, batchSize })
  await run('members', await csvFile(MEMBERS))
  const first = await csvFile(FIRST)
  const second = await csvFile(SECOND)
  const summaries = [
    counts(await run('orders', first)),
    counts(await run('orders', second)),
    counts(await run('orders', first)),
    counts(await run('orders', first)),
    counts(await run('orders', await csvFile(THIRD))),
    counts(await run('orders', await csvFile(FOURTH))),
    counts(await run('refunds', await csvFile(REFUND))),
    counts(await run('orders', await csvFile(FIFTH))),
  ]
  return { company, summaries }
}

test.group('Members / import / bulk order path', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  for (const batchSize of [2000, 3]) {
    test(`same database state and counts as the per-unit path (batch ${batchSize})`, async ({
      assert,
    }) => {
      const since = new Date(Date.now() - 1000)
      const rowPath = await load(false, batchSize)
      BulkOrderImport.counters = { fast: 0, fallback: 0, failedWrites: 0 }
      const bulkPath = await load(true, batchSize)
      // The fast path did the work; the per-unit path only took the complicated units.
      assert.equal(BulkOrderImport.counters.failedWrites, 0)
      assert.isAbove(BulkOrderImport.counters.fast, BulkOrderImport.counters.fallback)
      assert.isAbove(BulkOrderImport.counters.fallback, 0)

      assert.deepEqual(bulkPath.summaries, rowPath.summaries)
      const [first, second, back, again, third, changed] = bulkPath.summaries
      for (const s of bulkPath.summaries) {
        assert.equal(s.rows, s.inserted + s.updated + s.duplicates + s.rejected)
      }
      // 7 new orders (8 lines), TM1001 again (2 lines), 3 lines rejected.
      assert.deepInclude(first, { rows: 13, inserted: 8, updated: 0, duplicates: 2, rejected: 3 })
      assert.deepEqual(first.rejects, [
        '11::column_count',
        '7:ordered_at:impossible_date',
        '9:shop:unknown_shop',
      ])
      // TM1007's phone and nick belong to two members (per-unit path), JD2001 completed.
      assert.deepInclude(second, { rows: 6, inserted: 2, updated: 1, duplicates: 3, rejected: 0 })
      // The first file again puts JD2001 back to paid; once more changes nothing.
      assert.deepInclude(back, { inserted: 0, updated: 1, duplicates: 9, rejected: 3 })
      assert.deepInclude(again, { inserted: 0, updated: 0, duplicates: 10, rejected: 3 })
      assert.deepInclude(third, { rows: 2, inserted: 2, rejected: 0 })
      assert.deepInclude(changed, { rows: 2, inserted: 0, updated: 2, duplicates: 0, rejected: 0 })

      const expected = await snapshot(rowPath.company.id, since)
      const actual = await snapshot(bulkPath.company.id, since)
      assert.deepEqual(actual, expected)

      // Sanity on what both paths wrote.
      assert.lengthOf(actual.orders, 13)
      assert.equal(actual.members.length, 3 + 3)
      // The closed order is no purchase: one order, its amount, its date, no category.
      const buyer = actual.members[5] as any
      assert.equal(Number(buyer.order_count), 1)
      assert.equal(Number(buyer.spent_fen), 8800)
      assert.isFalse(actual.categories.some((c: string) => c.endsWith(':6')))
      // 小芳: TM1001, JD2001 (paid again) and TM1010, her first order now; a new category.
      const fang = actual.members[0] as any
      assert.equal(Number(fang.order_count), 3)
      assert.equal(Number(fang.spent_fen), 34900 + 29900 + 3000)
      assert.include(actual.categories, '新品类:1')
      // 阿强 (who has a refund: recomputed): TM1002 refunded in full, TM1007 and TM1009.
      const qiang = actual.members[1] as any
      assert.equal(Number(qiang.order_count), 3)
      assert.equal(Number(qiang.spent_fen), 12000 + 5000)
      // TM1001 (order 1) lost its second line; TM1004 was closed (a status change recorded).
      assert.deepEqual(
        actual.items
          .filter((i: any) => i.order_id === 1)
          .map((i: any) => [Number(i.line_no), Number(i.price_fen)]),
        [[1, 34900]]
      )
      assert.deepEqual(
        actual.statuses
          .filter((s: any) => s.to_status === 'closed' && s.from_status === 'completed')
          .map((s: any) => s.subject_id),
        [5]
      )
      assert.deepEqual(
        actual.statuses
          .filter((s: any) => s.subject_id === 2)
          .map((s: any) => [s.from_status, s.to_status]),
        [
          [null, 'paid'],
          ['paid', 'completed'],
          ['completed', 'paid'],
        ]
      )
      assert.include(actual.categories, '新品类:5')
    })
  }

  test('the purchase before the last follows orders arriving in any order', async ({ assert }) => {
    const { company } = await createCompanyWithShops()
    const line = (no: string, at: string) =>
      `天猫旗舰店,${no},交易成功,${at},${at},${at},100,,13800138000,tb_小芳,,李小芳,,QZ-T-007,纯棉T恤,T恤,1,100`
    const run = async (lines: string[]) =>
      new RunImport().handle({
        companyId: company.id,
        kind: 'orders',
        path: await csvFile([HEADER, ...lines].join('\n')),
        bulk: true,
        batchSize: 2000,
      })
    const shanghai = (at: string) => DateTime.fromSQL(at, { zone: 'Asia/Shanghai' }).toMillis()
    const figures = async () => {
      const member = await Member.query().where('company_id', company.id).firstOrFail()
      return {
        id: member.id,
        count: member.orderCount,
        last: member.lastOrderAt?.toMillis(),
        previous: member.previousOrderAt?.toMillis(),
      }
    }
    /** What the fast path wrote, and that it is what MemberStats computes from the orders. */
    const check = async (last: string, previous: string) => {
      const written = await figures()
      assert.deepInclude(written, { last: shanghai(last), previous: shanghai(previous) })
      await MemberStats.recompute([written.id], db.connection())
      assert.deepEqual(await figures(), written)
    }
    BulkOrderImport.counters = { fast: 0, fallback: 0, failedWrites: 0 }

    // A new buyer, her purchases not in time order.
    await run([
      line('P1', '2024-03-05 10:00'),
      line('P2', '2024-06-01 10:00'),
      line('P3', '2024-01-01 10:00'),
    ])
    await check('2024-06-01 10:00', '2024-03-05 10:00')
    // One between the previous and the last; one before both moves nothing.
    await run([line('P4', '2024-04-01 10:00'), line('P5', '2024-02-01 10:00')])
    await check('2024-06-01 10:00', '2024-04-01 10:00')
    // A new last makes the old last the previous; a second one at the same time does not.
    await run([line('P6', '2024-09-01 10:00'), line('P7', '2024-09-01 10:00')])
    await check('2024-09-01 10:00', '2024-06-01 10:00')
    const last = await figures()
    assert.equal(last.count, 7)
    assert.equal(BulkOrderImport.counters.fallback, 0)
    assert.isAbove(BulkOrderImport.counters.fast, 0)
  })
})
