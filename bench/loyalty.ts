import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import Company from '#app/organization/models/company'
import { PointsLedger } from '#app/loyalty/services/points_ledger'
import { type BenchContext, timeIt } from './_support.js'

const MEMBERS = Number(process.env.BENCH_LOYALTY_MEMBERS ?? 2000)
const POSTINGS_PER_MEMBER = 2
const CONCURRENCY = 8
const BATCH = 500

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
 * - expiry: the daily expiry job over one lot per member, and the time it
 *   would take for 1M members at that rate.
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
  const [expired, expiryMs] = await timeIt(() => expiring.expireDue({ batchSize: 1000 }))
  report('expiry_lots', (expired / expiryMs) * 1000, 'lots/s')
  report('expiry_1m_members_estimate', (1_000_000 / expired) * (expiryMs / 1000), 's')
}
