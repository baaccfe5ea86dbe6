import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import { decodeCursor, encodeCursor } from '#app/shared/kernel/pagination'
import { tierOf } from '#app/loyalty/services/tiers'
import { fromDbTime, monthInZone, toDbTime } from '#app/shared/kernel/db_values'

export interface LoyaltySummary {
  available: number
  pending: number
  tier: { id: number; name: string; color: string } | null
}

/** What the members API and member page include: available and pending points and the tier. */
export async function loyaltySummaryFor(memberId: number): Promise<LoyaltySummary> {
  const row = await db
    .from('points_accounts')
    .where('member_id', memberId)
    .select('balance', 'pending')
    .first()
  return {
    available: row ? Number(row.balance) : 0,
    pending: row ? Number(row.pending) : 0,
    tier: await tierOf(memberId),
  }
}

export interface LedgerEntry {
  id: number
  kind: string
  amount: number
  pendingAmount: number
  shortfall: number
  sourceType: string
  sourceId: string | null
  reason: string | null
  actorId: number | null
  actorName: string | null
  createdAt: DateTime
}

export interface LotEntry {
  id: number
  sourceType: string
  sourceId: string | null
  amount: number
  remaining: number
  status: string
  availableAt: DateTime | null
  expiresAt: DateTime | null
  createdAt: DateTime
}

export class MemberPoints {
  /** The member's postings, newest first, keyset-paged by id. */
  async ledger(memberId: number, options: { cursor?: string | null; limit?: number } = {}) {
    const limit = Math.min(Math.max(options.limit ?? 20, 1), 200)
    const after = decodeCursor(options.cursor)
    const rows = await db
      .from('points_postings')
      .join('points_accounts', 'points_accounts.id', 'points_postings.account_id')
      .leftJoin('users', 'users.id', 'points_postings.actor_id')
      .where('points_accounts.member_id', memberId)
      .if(after, (q) => q.where('points_postings.id', '<', after!.id))
      .orderBy('points_postings.id', 'desc')
      .limit(limit + 1)
      .select('points_postings.*', 'users.full_name as actor_name')
    const page = rows.slice(0, limit)
    const entries: LedgerEntry[] = page.map((row: any) => ({
      id: Number(row.id),
      kind: row.kind,
      amount: Number(row.amount),
      pendingAmount: Number(row.pending_amount),
      shortfall: Number(row.shortfall),
      sourceType: row.source_type,
      sourceId: row.source_id,
      reason: row.reason,
      actorId: row.actor_id === null ? null : Number(row.actor_id),
      actorName: row.actor_name ?? null,
      createdAt: fromDbTime(row.created_at)!,
    }))
    const last = entries[entries.length - 1]
    const next = rows.length > limit && last ? encodeCursor(last.id, last.id) : null
    return { entries, next }
  }

  /** Lots still holding points (pending or available), first-expiring first. */
  async openLots(memberId: number): Promise<LotEntry[]> {
    const rows = await db
      .from('points_lots')
      .join('points_accounts', 'points_accounts.id', 'points_lots.account_id')
      .where('points_accounts.member_id', memberId)
      .whereIn('points_lots.status', ['pending', 'available'])
      .where('points_lots.remaining', '>', 0)
      .orderByRaw('CASE WHEN points_lots.expires_at IS NULL THEN 1 ELSE 0 END')
      .orderBy('points_lots.expires_at')
      .orderBy('points_lots.id')
      .limit(100)
      .select('points_lots.*')
    return rows.map((row: any) => ({
      id: Number(row.id),
      sourceType: row.source_type,
      sourceId: row.source_id,
      amount: Number(row.amount),
      remaining: Number(row.remaining),
      status: row.status,
      availableAt: fromDbTime(row.available_at),
      expiresAt: fromDbTime(row.expires_at),
      createdAt: fromDbTime(row.created_at)!,
    }))
  }

  /** Total shortfall recorded by refunds that found the points already spent. */
  async shortfall(memberId: number): Promise<number> {
    const [row] = await db
      .from('points_postings')
      .join('points_accounts', 'points_accounts.id', 'points_postings.account_id')
      .where('points_accounts.member_id', memberId)
      .sum('points_postings.shortfall as n')
    return Number(row.n ?? 0)
  }
}

/** Members with available points expiring within `days` (marketing reminders), most points first. */
export async function pointsExpiringWithin(
  companyId: number,
  days: number,
  options: { now?: DateTime; limit?: number; memberId?: number } = {}
): Promise<Array<{ memberId: number; points: number; firstExpiry: DateTime }>> {
  const now = options.now ?? DateTime.utc()
  const rows = await db
    .from('points_lots')
    .join('points_accounts', 'points_accounts.id', 'points_lots.account_id')
    .where('points_accounts.company_id', companyId)
    .if(options.memberId, (q) => q.where('points_accounts.member_id', options.memberId!))
    .where('points_lots.status', 'available')
    .where('points_lots.remaining', '>', 0)
    .whereNotNull('points_lots.expires_at')
    .where('points_lots.expires_at', '<=', toDbTime(now.plus({ days })))
    .groupBy('points_accounts.member_id')
    .select('points_accounts.member_id')
    .sum('points_lots.remaining as points')
    .min('points_lots.expires_at as first_expiry')
    .orderBy('points', 'desc')
    .limit(options.limit ?? 1000)
  return rows.map((row: any) => ({
    memberId: Number(row.member_id),
    points: Number(row.points),
    firstExpiry: fromDbTime(row.first_expiry)!,
  }))
}

export interface Liability {
  available: number
  pending: number
  unitCostFen: number
  /** (available + pending) × unit cost; a negative balance counts as 0. */
  liabilityFen: number
}

/** 积分负债: what the points members hold would cost the company. */
export async function pointsLiability(companyId: number, unitCostFen: number): Promise<Liability> {
  const [row] = await db
    .from('points_accounts')
    .where('company_id', companyId)
    .sum({ available: db.raw('CASE WHEN balance > 0 THEN balance ELSE 0 END') })
    .sum('pending as pending')
  const available = Number(row.available ?? 0)
  const pending = Number(row.pending ?? 0)
  return { available, pending, unitCostFen, liabilityFen: (available + pending) * unitCostFen }
}

export interface MonthFlow {
  month: string
  issued: number
  redeemed: number
  expired: number
  reversed: number
  adjusted: number
}

/** Points issued, redeemed, expired, reversed and adjusted per month (company zone), newest first. */
export async function monthlyFlow(
  companyId: number,
  zone: string,
  months = 12
): Promise<MonthFlow[]> {
  const since = DateTime.now()
    .setZone(zone)
    .startOf('month')
    .minus({ months: months - 1 })
  const rows = await db
    .from('points_postings')
    .where('company_id', companyId)
    .where('created_at', '>=', toDbTime(since))
    .select(monthInZone('created_at', zone, since), 'kind')
    .sum('amount as amount')
    .sum('pending_amount as pending')
    .groupBy('month', 'kind')
  const byMonth = new Map<string, MonthFlow>()
  for (const row of rows as any[]) {
    const key = String(row.month)
    const flow =
      byMonth.get(key) ??
      ({ month: key, issued: 0, redeemed: 0, expired: 0, reversed: 0, adjusted: 0 } as MonthFlow)
    const amount = Number(row.amount ?? 0)
    const pending = Number(row.pending ?? 0)
    switch (row.kind) {
      case 'earn':
        flow.issued += amount + pending
        break
      case 'redeem':
      case 'cancel_redeem':
        flow.redeemed -= amount
        break
      case 'expire':
        flow.expired -= amount
        break
      case 'reverse':
        flow.reversed -= amount + pending
        break
      case 'adjust':
        flow.adjusted += amount
        break
    }
    byMonth.set(key, flow)
  }
  return [...byMonth.values()].sort((a, b) => b.month.localeCompare(a.month))
}
