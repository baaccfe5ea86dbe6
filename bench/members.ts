import db from '@adonisjs/lucid/services/db'
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { DateTime } from 'luxon'
import MembersSeeder from '#database/seeders/members_seeder'
import { RunImport } from '#app/members/imports/run_import'
import { RecomputeRfm } from '#app/members/actions/recompute_rfm'
import { ListMembers } from '#app/members/actions/list_members'
import { PURCHASE_STATUSES } from '#app/commerce/actions/member_stats'
import { sqlTime } from '#app/commerce/actions/sql_time'
import { type BenchContext, percentile, timeIt } from './_support.js'

/**
 * Members and orders figures (`npm run bench -- members`), on the configured
 * database with the demo company (`node ace setup`). Sizes from the
 * environment; the seeder tops the data up to them (kept for the next run):
 *   BENCH_MEMBERS (default 20000), BENCH_ORDERS (default 100000),
 *   BENCH_IMPORT_ROWS (default 5000), BENCH_LIST_QUERIES (default 60).
 * Every figure with a baseline prints it alongside from the same run:
 * the import next to a raw multi-row INSERT of the same rows, the RFM
 * recompute next to a bare GROUP BY over the same orders. Import and raw
 * insert run in transactions that are rolled back, so a run leaves the
 * seeded data as it found it.
 */
export default async function ({ app, report }: BenchContext) {
  const size = (name: string, fallback: number) =>
    Math.max(1, Number(process.env[name] ?? fallback))
  const wantMembers = size('BENCH_MEMBERS', 20_000)
  const wantOrders = size('BENCH_ORDERS', 100_000)
  const importRows = size('BENCH_IMPORT_ROWS', 5_000)
  const listQueries = size('BENCH_LIST_QUERIES', 60)

  const company = await db.from('companies').orderBy('id').first()
  if (!company) throw new Error('No company: run `node ace setup` (or the demo seeder) first')
  const count = async (table: string) => {
    const [row] = await db.from(table).where('company_id', company.id).count('* as n')
    return Number(row.n)
  }
  const haveMembers = await count('members')
  if (haveMembers < wantMembers) {
    const haveOrders = await count('orders')
    const [, seedMs] = await timeIt(() =>
      MembersSeeder.seed({
        members: wantMembers - haveMembers,
        orders: Math.max(0, wantOrders - haveOrders),
      })
    )
    report('seed', seedMs / 1000, 's')
  }
  report('members', await count('members'), 'members')
  report('orders', await count('orders'), 'orders')

  // --- Order import (the real pipeline) vs a raw bulk insert of the same rows
  const shop = await db.from('shops').where('company_id', company.id).orderBy('id').first()
  const dir = app.tmpPath('bench')
  await mkdir(dir, { recursive: true })
  const path = `${dir}/orders-${Date.now()}.csv`
  const stamp = Date.now().toString(36)
  const lines = [
    'shop,order_no,status,ordered_at,paid_at,paid_amount,phone,sku_code,title,category,quantity,price',
  ]
  const base = DateTime.utc().minus({ days: 30 })
  for (let i = 0; i < importRows; i++) {
    const at = base.plus({ minutes: i }).toFormat('yyyy-MM-dd HH:mm:ss')
    const phone = `139${String(i % 500_000).padStart(8, '0')}`
    lines.push(
      `${shop.name},B${stamp}-${i},交易成功,${at},${at},199.00,${phone},BENCH-SKU-${i % 50},基准商品 ${i % 50},基准,1,199.00`
    )
  }
  await writeFile(path, lines.join('\n'))
  const [summary, importMs] = await timeIt(() =>
    new RunImport().handle({ companyId: company.id, kind: 'orders', path, dryRun: true })
  )
  report('order_import', (summary.rows / importMs) * 1000, 'rows/s')
  if (summary.rejected) report('order_import_rejected', summary.rejected, 'rows')
  if (process.env.BENCH_ROW_PATH === '1') {
    // The per-unit path on the same file, for comparison (slow: a few hundred rows/s).
    const [rowSummary, rowMs] = await timeIt(() =>
      new RunImport().handle({
        companyId: company.id,
        kind: 'orders',
        path,
        dryRun: true,
        bulk: false,
      })
    )
    report('order_import_row_path', (rowSummary.rows / rowMs) * 1000, 'rows/s')
  }
  await rm(path, { force: true })

  const [, rawMs] = await timeIt(() =>
    db.transaction(async (trx) => {
      const now = sqlTime(trx, DateTime.utc())
      const rows = Array.from({ length: importRows }, (_, i) => ({
        company_id: company.id,
        shop_id: shop.id,
        platform_order_no: `R${stamp}-${i}`,
        status: 'completed',
        ordered_at: now,
        paid_at: now,
        goods_fen: 19900,
        discount_fen: 0,
        shipping_fen: 0,
        paid_fen: 19900,
        fingerprint: 'bench',
        created_at: now,
        updated_at: now,
      }))
      await MembersSeeder.insertChunked(trx, 'orders', rows)
      await trx.rollback()
    })
  )
  report('order_raw_insert', (importRows / rawMs) * 1000, 'rows/s')

  // --- RFM full recompute vs a bare GROUP BY over the same orders
  const rfm = new RecomputeRfm()
  const settings = await rfm.settings(company.id)
  const [, rfmMs] = await timeIt(() => rfm.handle(company.id))
  report('rfm_full_recompute', rfmMs, 'ms')
  const [, groupMs] = await timeIt(() =>
    db
      .from('orders')
      .where('company_id', company.id)
      .whereNotNull('member_id')
      .whereIn('status', PURCHASE_STATUSES)
      .where(
        'ordered_at',
        '>=',
        sqlTime(db.connection(), DateTime.utc().minus({ days: settings.windowDays }))!
      )
      .groupBy('member_id')
      .select('member_id')
      .max('ordered_at as last_at')
      .count('* as purchases')
      .sum('paid_fen as paid')
  )
  report('rfm_bare_group_by', groupMs, 'ms')

  // --- Member list, filtered (first page), p95 over a mix of filters
  const city = await db
    .from('members')
    .where('company_id', company.id)
    .whereNotNull('city')
    .select('city')
    .first()
  const category = await db
    .from('products')
    .where('company_id', company.id)
    .whereNotNull('category')
    .select('category')
    .first()
  const filters = [
    { segment: 'important_retain' },
    { city: city?.city, segment: 'important_value' },
    { lifecycle: 'active', minSpent: 100 },
    { minOrders: 2, sort: 'spent' as const },
    { category: category?.category, city: city?.city },
    { name: '王' },
  ]
  const list = new ListMembers()
  const samples: number[] = []
  for (let i = 0; i < listQueries; i++) {
    const [, ms] = await timeIt(() =>
      list.page(company.id, filters[i % filters.length], 'Asia/Shanghai')
    )
    samples.push(ms)
  }
  if (process.env.BENCH_VERBOSE) {
    filters.forEach((f, i) => {
      const mine = samples.filter((_, k) => k % filters.length === i)
      console.error(JSON.stringify(f), percentile(mine, 50).toFixed(1), 'ms')
    })
  }
  report('member_list_filtered_p95', percentile(samples, 95), 'ms')
  report('member_list_filtered_p50', percentile(samples, 50), 'ms')
}
