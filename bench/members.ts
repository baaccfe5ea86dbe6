import { mkdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import MembersSeeder from '#database/seeders/members_seeder'
import { findCurrentCompany } from '#app/organization/current_company'
import { RunImport } from '#app/members/imports/run_import'
import { RecomputeRfm } from '#app/members/actions/recompute_rfm'
import { ListMembers, type MemberFilters } from '#app/members/actions/list_members'
import { sqlTime } from '#app/commerce/actions/sql_time'
import { DEFAULT_ZONE } from '#app/shared/kernel/time'
import { type BenchContext, percentile, timeIt } from './_support.js'

/**
 * Members figures (issue targets in brackets):
 *   members.order_import            rows/s  (≥ 50k)  the CSV importer, end to end
 *   members.order_raw_insert        rows/s           multi-row INSERT of the same orders
 *   members.rfm_recompute           s       (≤ 30 s SQLite / 15 s PostgreSQL at 1M/10M)
 *   members.rfm_bare_group_by       s                the GROUP BY RFM needs, alone
 *   members.list_filtered_p95       ms      (≤ 150 ms at 1M members)
 *
 * Sizes: BENCH_MEMBERS (default 100000), BENCH_ORDERS (default 10 × members),
 * BENCH_IMPORT_ROWS (default 10000). The data is seeded once into the install's
 * company and reused by later runs, so run it on a database of its own:
 *
 *   SQLITE_PATH=tmp/bench.sqlite node ace setup   # the demo company, shops and products
 *   SQLITE_PATH=tmp/bench.sqlite BENCH_MEMBERS=1000000 npm run bench -- members
 */
export default async function ({ app, report }: BenchContext) {
  const company = await findCurrentCompany()
  if (!company) throw new Error('No company: run `node ace setup` on the bench database first')
  const wantMembers = Number(process.env.BENCH_MEMBERS ?? 100_000)
  const wantOrders = Number(process.env.BENCH_ORDERS ?? wantMembers * 10)
  const importRows = Number(process.env.BENCH_IMPORT_ROWS ?? 10_000)

  // 1. Data: top the company up to the requested size (seeding is not measured).
  const have = await counts(company.id)
  if (have.members < wantMembers || have.orders < wantOrders) {
    const [, seedMs] = await timeIt(() =>
      MembersSeeder.seed(
        {
          members: Math.max(0, wantMembers - have.members),
          orders: Math.max(0, wantOrders - have.orders),
        },
        { seed: 20260401 + have.members }
      )
    )
    console.log(`seeded in ${(seedMs / 1000).toFixed(1)} s`)
  }
  const size = await counts(company.id)
  report('members', size.members, 'rows')
  report('orders', size.orders, 'rows')

  // 2. RFM full recompute, and the bare aggregate it cannot be faster than.
  const [, rfmMs] = await timeIt(() => new RecomputeRfm().handle(company.id))
  report('rfm_recompute', rfmMs / 1000, 's')
  const [, groupMs] = await timeIt(() =>
    db
      .from('orders')
      .where('company_id', company.id)
      .whereNotNull('member_id')
      .whereNotNull('paid_at')
      .groupBy('member_id')
      .select('member_id')
      .count('* as orders')
      .sum('paid_fen as spent')
      .max('paid_at as last_paid')
  )
  report('rfm_bare_group_by', groupMs / 1000, 's')

  // 3. The filtered member list, first pages and deep keyset pages.
  const list = new ListMembers()
  const cities = await db
    .from('members')
    .where('company_id', company.id)
    .whereNotNull('city')
    .distinct('city')
    .limit(10)
  const categories = await db
    .from('products')
    .where('company_id', company.id)
    .distinct('category')
    .limit(5)
  const samples: number[] = []
  const filters: MemberFilters[] = []
  for (const { city } of cities) {
    filters.push({ city })
    filters.push({ city, segment: 'important_retain' })
    filters.push({ city, sort: 'spent' })
    filters.push({ city, minSpent: 500, sort: 'orders' })
  }
  for (const { category } of categories) {
    filters.push({ category })
    filters.push({ category, segment: 'important_retain', city: cities[0]?.city })
  }
  filters.push({ lifecycle: 'lost' }, { segment: 'important_value', sort: 'spent' }, {})
  for (let round = 0; round < 3; round++) {
    for (const filter of filters) {
      // What the member list page runs: the first page, then the next by keyset.
      const [first, ms] = await timeIt(() => list.page(company.id, filter, DEFAULT_ZONE))
      samples.push(ms)
      if (first.next) {
        const [, nextMs] = await timeIt(() =>
          list.page(company.id, { ...filter, after: first.next! }, DEFAULT_ZONE)
        )
        samples.push(nextMs)
      }
    }
  }
  report('list_filtered_p50', percentile(samples, 50), 'ms')
  report('list_filtered_p95', percentile(samples, 95), 'ms')

  // 4. Order import through the importer, then the same rows as a raw multi-row insert.
  const shop = await db.from('shops').where('company_id', company.id).orderBy('id').first()
  const dir = app.makePath('tmp', 'bench')
  await mkdir(dir, { recursive: true })
  const file = join(dir, 'orders.csv')
  const runId = Date.now().toString(36)
  const at = DateTime.now().setZone(DEFAULT_ZONE).minus({ days: 3 })
  const lines = [
    'shop,order_no,status,ordered_at,paid_at,paid_amount,phone,sku_code,title,category,quantity,price',
  ]
  for (let i = 0; i < importRows; i++) {
    const phone = `139${String(90_000_000 + (i % 50_000)).padStart(8, '0')}`
    const when = at.plus({ seconds: i }).toFormat('yyyy-MM-dd HH:mm:ss')
    lines.push(
      `${shop.name},B${runId}${i},交易成功,${when},${when},199.00,${phone},BENCH-${i % 50},基准商品,服饰,1,199.00`
    )
  }
  await writeFile(file, '\uFEFF' + lines.join('\n') + '\n')
  const [summary, importMs] = await timeIt(() =>
    new RunImport().handle({ companyId: company.id, kind: 'orders', path: file })
  )
  if (summary.rejected) console.log(`import rejected ${summary.rejected} rows`)
  report('order_import', (summary.rows / importMs) * 1000, 'rows/s')

  const client = db.connection()
  const now = sqlTime(client, DateTime.utc())
  const rows = Array.from({ length: importRows }, (_, i) => ({
    company_id: company.id,
    shop_id: shop.id,
    platform_order_no: `R${runId}${i}`,
    status: 'completed',
    ordered_at: sqlTime(client, at.plus({ seconds: i }).toUTC()),
    paid_at: sqlTime(client, at.plus({ seconds: i }).toUTC()),
    goods_fen: 19900,
    discount_fen: 0,
    shipping_fen: 0,
    paid_fen: 19900,
    fingerprint: `raw-${i}`,
    created_at: now,
    updated_at: now,
  }))
  const [, rawMs] = await timeIt(() =>
    db.transaction(async (trx) => {
      for (let from = 0; from < rows.length; from += 500) {
        await trx.table('orders').multiInsert(rows.slice(from, from + 500))
      }
    })
  )
  report('order_raw_insert', (rows.length / rawMs) * 1000, 'rows/s')
  await db.from('orders').where('platform_order_no', 'like', `R${runId}%`).delete()
  await rm(file, { force: true })
}

async function counts(companyId: number) {
  const members = await db.from('members').where('company_id', companyId).count('* as n').first()
  const orders = await db.from('orders').where('company_id', companyId).count('* as n').first()
  return { members: Number(members?.n ?? 0), orders: Number(orders?.n ?? 0) }
}
