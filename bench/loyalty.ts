import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import Company from '#app/organization/models/company'
import { PointsLedger } from '#app/loyalty/services/points_ledger'
import { AccrueFromCommerce, ACCRUAL_CURSOR } from '#app/loyalty/actions/accrue_from_commerce'
import { Tiers } from '#app/loyalty/services/tiers'
import { type BenchContext, timeIt } from './_support.js'

const MEMBERS = Number(process.env.BENCH_LOYALTY_MEMBERS ?? 2000)
const POSTINGS_PER_MEMBER = 2
const CONCURRENCY = 8
const BATCH = 500
const ORDERS = Number(process.env.BENCH_LOYALTY_ORDERS ?? 10_000)
const SINGLE_ORDERS = 500
const HISTORY_ORDERS = Number(process.env.BENCH_LOYALTY_HISTORY_ORDERS ?? 20_000)
/** The target is stated at 1M members, and the cost per lot grows with the tables: measure there. */
const EXPIRY_MEMBERS = Number(process.env.BENCH_LOYALTY_EXPIRY_MEMBERS ?? 1_000_000)

/**
 * A company with `count` members, each with a points account holding one
 * earn posting and one available lot of 100 points expiring at `expiresAt`
 * — consistent with the ledger (reconcile passes), written with four
 * `INSERT … SELECT` statements. Returns the number of lots.
 */
async function seedDueLots(count: number, expiresAt: DateTime) {
  const stamp = DateTime.utc().toFormat('yyyy-MM-dd HH:mm:ss')
  const expires = expiresAt.toUTC().toFormat('yyyy-MM-dd HH:mm:ss')
  const company = await Company.create({
    name: `积分过期压测 ${stamp} ${count}`,
    timezone: 'Asia/Shanghai',
    defaultLocale: 'zh-CN',
  })
  const series =
    db.connection().dialect.name === 'postgres'
      ? 'SELECT n FROM generate_series(1, ?) AS n'
      : 'WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < ?) SELECT n FROM seq'
  await db.rawQuery(
    `INSERT INTO members (company_id, name, created_at, updated_at) SELECT ?, 'expiry-' || s.n, ?, ? FROM (${series}) AS s`,
    [company.id, stamp, stamp, count]
  )
  await db.rawQuery(
    `INSERT INTO points_accounts (company_id, member_id, balance, lifetime_earned, created_at, updated_at) SELECT company_id, id, 100, 100, ?, ? FROM members WHERE company_id = ?`,
    [stamp, stamp, company.id]
  )
  await db.rawQuery(
    `INSERT INTO points_postings (company_id, account_id, kind, amount, pending_amount, shortfall, source_type, source_id, idempotency_key, created_at) SELECT company_id, id, 'earn', 100, 0, 0, 'campaign', 'bench-expiry', 'bench-expiry:' || id, ? FROM points_accounts WHERE company_id = ?`,
    [stamp, company.id]
  )
  await db.rawQuery(
    `INSERT INTO points_lots (company_id, account_id, earn_posting_id, source_type, source_id, amount, remaining, status, expires_at, created_at, updated_at) SELECT company_id, account_id, id, 'campaign', 'bench-expiry', 100, 100, 'available', ?, ?, ? FROM points_postings WHERE company_id = ? AND source_type = 'campaign'`,
    [expires, stamp, stamp, company.id]
  )
  if (db.connection().dialect.name === 'postgres') {
    // In a real database the lots were earned over months and autovacuum has long
    // passed over them; here its pass over a million fresh rows (and the first
    // reads setting their hint bits) would run during the timed expiry instead.
    await db.rawQuery('VACUUM (ANALYZE) members, points_accounts, points_postings, points_lots')
  }
  const [{ n }] = await db.from('points_lots').where('company_id', company.id).count('* as n')
  return Number(n)
}

/**
 * Points ledger figures on the configured database. It WRITES: a company
 * named "积分压测 …" with MEMBERS members, their postings and lots (the
 * ledger is append-only, so nothing can be deleted afterwards) — run it on
 * a scratch database (`node ace migration:fresh` first), never on a real one.
 *
 * - postings: ledger earns across many members, CONCURRENCY at a time;
 * - postings_batched: `earnMany`, BATCH members' earns per transaction;
 * - postings_raw_insert: plain inserts into points_postings in one
 *   transaction (rolled back), the ceiling for the same table;
 * - expiry_lots: the daily expiry job over one lot of each of MEMBERS members;
 * - expiry_1m_members: the same job over BENCH_LOYALTY_EXPIRY_MEMBERS (default
 *   1,000,000; 0 skips it) more members seeded set-based, one due lot each —
 *   measured, not extrapolated from the small run (whose fixed per-batch cost
 *   says nothing of 1M); with another size, scaled to 1M and named so
 *   (expiry_large_members, expiry_large, expiry_large_1m_members_estimate);
 * - accrual_orders: the accrual job (`loyalty.accrue`) over ORDERS paid
 *   orders across the members, by a rule with a daily cap and a promotion
 *   with a budget (batches of 500 through `earnMany`);
 *   accrual_orders_single: the same work one order per call, for comparison.
 */
export default async function ({ report }: BenchContext) {
  const stamp = DateTime.utc().toFormat('yyyy-MM-dd HH:mm:ss')
  const company = await Company.create({
    name: `积分压测 ${stamp}`,
    timezone: 'Asia/Shanghai',
    defaultLocale: 'zh-CN',
  })
  for (let offset = 0; offset < MEMBERS; offset += 500) {
    const rows = Array.from({ length: Math.min(500, MEMBERS - offset) }, (_, i) => ({
      company_id: company.id,
      name: `压测会员${offset + i}`,
      created_at: stamp,
      updated_at: stamp,
    }))
    await db.table('members').multiInsert(rows)
  }
  // Read the ids back: better-sqlite3 returns one id per multi-row insert, not one per row.
  const memberRows = await db.from('members').where('company_id', company.id).orderBy('id')
  const memberIds = memberRows.map((row) => Number(row.id))
  if (memberIds.length !== MEMBERS) throw new Error(`expected ${MEMBERS} members`)
  const refs = memberIds.map((memberId) => ({ companyId: company.id, memberId }))

  // Postings across many members.
  const earnedAt = DateTime.utc()
  const ledger = new PointsLedger(() => earnedAt)
  for (const ref of refs) await ledger.account(ref)
  const jobs: Array<() => Promise<unknown>> = []
  for (let round = 0; round < POSTINGS_PER_MEMBER; round++) {
    for (const ref of refs) {
      jobs.push(() =>
        ledger.earn(ref, {
          points: 100,
          sourceType: 'campaign',
          sourceId: `bench-${round}`,
          idempotencyKey: `bench:${company.id}:${ref.memberId}:${round}`,
          // The second round expires: the expiry figure below uses those lots.
          expiresAt: round === 1 ? earnedAt.plus({ days: 1 }) : null,
        })
      )
    }
  }
  const [, postingMs] = await timeIt(async () => {
    let next = 0
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < jobs.length) await jobs[next++]()
      })
    )
  })
  report('postings', (jobs.length / postingMs) * 1000, 'postings/s')

  // Batched postings (earnMany, the accrual path): BATCH entries across members per transaction.
  const [, batchedMs] = await timeIt(async () => {
    for (let offset = 0; offset < refs.length; offset += BATCH) {
      await ledger.earnMany(
        refs.slice(offset, offset + BATCH).map((ref) => ({
          ref,
          points: 100,
          sourceType: 'campaign' as const,
          sourceId: 'bench-batch',
          idempotencyKey: `bench:${company.id}:${ref.memberId}:batch`,
        }))
      )
    }
  })
  report('postings_batched', (refs.length / batchedMs) * 1000, 'postings/s')

  // The raw insert rate of the same table, in one transaction, rolled back.
  const [account] = await db.from('points_accounts').where('company_id', company.id).limit(1)
  const rawRows = 5000
  const [, rawMs] = await timeIt(async () => {
    const trx = await db.transaction()
    try {
      for (let i = 0; i < rawRows; i++) {
        await trx.table('points_postings').insert({
          company_id: company.id,
          account_id: account.id,
          kind: 'earn',
          amount: 1,
          pending_amount: 0,
          shortfall: 0,
          source_type: 'campaign',
          source_id: 'raw',
          idempotency_key: `raw:${i}`,
          created_at: stamp,
        })
      }
    } finally {
      await trx.rollback()
    }
  })
  report('postings_raw_insert', (rawRows / rawMs) * 1000, 'rows/s')

  // Nightly expiry: one due lot per member.
  const expiring = new PointsLedger(() => earnedAt.plus({ days: 2 }))
  const [expired, expiryMs] = await timeIt(() => expiring.expireDue())
  report('expiry_lots', (expired / expiryMs) * 1000, 'lots/s')

  // Nightly expiry at scale: EXPIRY_MEMBERS more members, each with an account and one
  // due lot, seeded set-based (the ledger's own path would take longer than the expiry).
  if (EXPIRY_MEMBERS > 0) {
    const seeded = await seedDueLots(EXPIRY_MEMBERS, earnedAt.plus({ days: 1 }))
    const [expiredLarge, largeMs] = await timeIt(() => expiring.expireDue())
    if (expiredLarge !== seeded) throw new Error(`expired ${expiredLarge} of ${seeded} lots`)
    if (seeded === 1_000_000) {
      report('expiry_1m_members', largeMs / 1000, 's')
    } else {
      report('expiry_large_members', seeded, 'members')
      report('expiry_large', largeMs / 1000, 's')
      report('expiry_large_1m_members_estimate', (1_000_000 / seeded) * (largeMs / 1000), 's')
    }
  }

  // The accrual path: paid orders → the accrual job.
  const paidAt = earnedAt.minus({ hours: 1 })
  const [shopRow] = await db
    .table('shops')
    .returning('id')
    .insert({
      company_id: company.id,
      name: `压测店 ${stamp}`,
      platform: 'tmall',
      timezone: 'Asia/Shanghai',
      created_at: stamp,
      updated_at: stamp,
    })
  const shopId = Number(typeof shopRow === 'object' ? shopRow.id : shopRow)
  await db.table('loyalty_earning_rules').insert({
    company_id: company.id,
    version: 1,
    points_per_yuan: 1,
    include_shipping: false,
    per_order_cap: 5000,
    per_member_daily_cap: 20_000,
    effective_from: paidAt.minus({ days: 1 }).toFormat('yyyy-MM-dd HH:mm:ss'),
    created_at: stamp,
  })
  await db.table('loyalty_promotions').insert({
    company_id: company.id,
    name: '压测会员日',
    multiplier_percent: 200,
    starts_at: paidAt.minus({ days: 1 }).toFormat('yyyy-MM-dd HH:mm:ss'),
    ends_at: paidAt.plus({ days: 1 }).toFormat('yyyy-MM-dd HH:mm:ss'),
    budget_points: ORDERS * 50,
    created_at: stamp,
  })
  const createOrders = async (prefix: string, count: number) => {
    for (let offset = 0; offset < count; offset += 200) {
      await db.table('orders').multiInsert(
        Array.from({ length: Math.min(200, count - offset) }, (_, i) => ({
          company_id: company.id,
          shop_id: shopId,
          platform_order_no: `${prefix}${offset + i}`,
          member_id: memberIds[(offset + i) % memberIds.length],
          status: 'paid',
          ordered_at: paidAt.toFormat('yyyy-MM-dd HH:mm:ss'),
          paid_at: paidAt.toFormat('yyyy-MM-dd HH:mm:ss'),
          goods_fen: 12_300,
          shipping_fen: 800,
          paid_fen: 13_100,
          fingerprint: `${prefix}${offset + i}`,
          created_at: stamp,
          updated_at: stamp,
        }))
      )
    }
    const orders = await db
      .from('orders')
      .where('shop_id', shopId)
      .whereLike('platform_order_no', `${prefix}%`)
      .orderBy('id')
      .select('id')
    return orders.map((row) => Number(row.id))
  }
  // The job reads the status history after its cursor: start it after everything already there.
  const [{ last }] = await db.from('commerce_status_changes').max('id as last')
  await db
    .table('loyalty_cursors')
    .knexQuery.insert({ name: ACCRUAL_CURSOR, position: Number(last ?? 0), updated_at: stamp })
    .onConflict('name')
    .merge({ position: Number(last ?? 0), updated_at: stamp })
  const orderIds = await createOrders('BJ', ORDERS)
  for (let offset = 0; offset < orderIds.length; offset += 200) {
    await db.table('commerce_status_changes').multiInsert(
      orderIds.slice(offset, offset + 200).map((id) => ({
        subject_type: 'order',
        subject_id: id,
        from_status: 'pending',
        to_status: 'paid',
        changed_at: stamp,
        source: 'import',
        created_at: stamp,
      }))
    )
  }
  const accrual = new AccrueFromCommerce(() => earnedAt)
  const [counts, accrualMs] = await timeIt(() => accrual.run())
  if (counts.earned !== ORDERS) throw new Error(`accrual earned ${counts.earned} of ${ORDERS}`)
  report('accrual_orders', (ORDERS / accrualMs) * 1000, 'orders/s')

  const single = await createOrders('BS', SINGLE_ORDERS)
  const [, singleMs] = await timeIt(async () => {
    for (const id of single) await accrual.accrueOrder(id)
  })
  report('accrual_orders_single', (SINGLE_ORDERS / singleMs) * 1000, 'orders/s')

  // An imported history, as the first accrual after an import meets it: orders paid over
  // the last year (most completed, one in fourteen closed), three tiers to evaluate, and
  // a rule version in force for the whole year.
  await db.table('loyalty_earning_rules').insert({
    company_id: company.id,
    version: 2,
    points_per_yuan: 1,
    include_shipping: false,
    effective_from: earnedAt.minus({ days: 400 }).toFormat('yyyy-MM-dd HH:mm:ss'),
    created_at: stamp,
  })
  const tiers = new Tiers()
  for (const [name, threshold] of [
    ['银卡', 50_000],
    ['金卡', 200_000],
    ['钻石', 800_000],
  ] as const) {
    await tiers.create(company.id, { name, color: '#9ca3af', threshold }, null)
  }
  const [{ before }] = await db.from('commerce_status_changes').max('id as before')
  for (let offset = 0; offset < HISTORY_ORDERS; offset += 200) {
    const orders = Array.from({ length: Math.min(200, HISTORY_ORDERS - offset) }, (_, i) => {
      const n = offset + i
      const paid = earnedAt.minus({ days: n % 365, minutes: n })
      const status = n % 14 === 0 ? 'closed' : n % 10 < 8 ? 'completed' : 'paid'
      const at = (time: DateTime | null) => time?.toFormat('yyyy-MM-dd HH:mm:ss') ?? null
      return {
        company_id: company.id,
        shop_id: shopId,
        platform_order_no: `BH${n}`,
        member_id: memberIds[n % memberIds.length],
        status,
        ordered_at: at(paid),
        paid_at: status === 'closed' ? null : at(paid),
        completed_at: status === 'completed' ? at(paid.plus({ days: 5 })) : null,
        closed_at: status === 'closed' ? at(paid) : null,
        goods_fen: 19_900,
        paid_fen: status === 'closed' ? 0 : 19_900,
        fingerprint: `BH${n}`,
        created_at: stamp,
        updated_at: stamp,
      }
    })
    await db.table('orders').multiInsert(orders)
    const ids = await db
      .from('orders')
      .where('shop_id', shopId)
      .whereIn(
        'platform_order_no',
        orders.map((order) => order.platform_order_no)
      )
      .select('id', 'status')
    await db.table('commerce_status_changes').multiInsert(
      ids.map((row) => ({
        subject_type: 'order',
        subject_id: row.id,
        from_status: null,
        to_status: row.status,
        changed_at: stamp,
        source: 'import',
        created_at: stamp,
      }))
    )
  }
  await db
    .from('loyalty_cursors')
    .where('name', ACCRUAL_CURSOR)
    .update({ position: Number(before ?? 0) })
  const [history, historyMs] = await timeIt(() => new AccrueFromCommerce(() => earnedAt).run())
  if (history.changes !== HISTORY_ORDERS) {
    throw new Error(`history accrual read ${history.changes} of ${HISTORY_ORDERS} changes`)
  }
  report('accrual_history', (history.changes / historyMs) * 1000, 'changes/s')
}
