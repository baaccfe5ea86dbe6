import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import Company from '#app/organization/models/company'
import { reconcilePoints } from '#app/loyalty/services/points_reconciliation'
import type { EarnInput, PointsLedger } from '#app/loyalty/services/points_ledger'

/** A company and `count` bare members (rows only: the ledger needs nothing else). */
export async function createMembers(count = 1) {
  const company = await Company.create({
    name: '积分测试',
    timezone: 'Asia/Shanghai',
    defaultLocale: 'zh-CN',
  })
  const stamp = DateTime.utc().toFormat('yyyy-MM-dd HH:mm:ss')
  const refs: Array<{ companyId: number; memberId: number }> = []
  for (let i = 0; i < count; i++) {
    const rows = await db
      .table('members')
      .returning('id')
      .insert({ company_id: company.id, name: `会员${i}`, created_at: stamp, updated_at: stamp })
    const row: any = rows[0]
    refs.push({ companyId: company.id, memberId: Number(typeof row === 'object' ? row.id : row) })
  }
  return { company, refs }
}

/** A settable clock for the ledger. */
export function clock(start = DateTime.fromISO('2026-01-10T02:00:00Z', { zone: 'utc' })) {
  let current: DateTime = start
  return {
    now: () => current,
    set: (value: DateTime) => {
      current = value
    },
    advance: (duration: Record<string, number>) => {
      current = current.plus(duration)
    },
  }
}

/** What `points:reconcile` finds wrong (empty when every account matches its postings and lots). */
export async function differences() {
  const result = await reconcilePoints()
  return result.differences
}

export async function differenceCount() {
  const found = await differences()
  return found.length
}

export async function balanceOf(
  ledger: PointsLedger,
  ref: { companyId: number; memberId: number }
) {
  const account = await ledger.account(ref)
  return account.balance
}

/** What order `orderId` earns in a test: `points`, keyed `o<orderId>`, with any other fields. */
export function orderEarning(
  orderId: number,
  points: number,
  more: Partial<EarnInput> = {}
): EarnInput {
  return { points, sourceType: 'order', sourceId: orderId, idempotencyKey: `o${orderId}`, ...more }
}
