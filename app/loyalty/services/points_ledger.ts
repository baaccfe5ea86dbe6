import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import { DateTime } from 'luxon'
import { DomainError } from '#app/shared/errors/domain_error'
import { AuditLog, type AuditActor } from '#app/shared/audit/audit_log'
import { affectedRows, rawRows, toDbTime } from '#app/shared/kernel/db_values'
import { GroupCommit, type GroupOutcome } from '#app/shared/kernel/group_commit'
import {
  prepared,
  sqliteGroupCommit,
  type SqliteConnection,
} from '#app/shared/kernel/sqlite_group_commit'
import { bulkUpdate } from '#app/shared/kernel/bulk_insert'

/**
 * Expiry batches run side by side on PostgreSQL: a batch is CPU-bound in
 * one backend, and two of them on disjoint accounts halve the nightly run
 * on a 2-CPU server (see docs/loyalty.md, Benchmark).
 */
const EXPIRY_WORKERS_POSTGRES = 2

/** PostgreSQL types of the account deltas a batch of postings adds (bulkUpdate). */
const ACCOUNT_DELTA_TYPES = { balance: 'bigint', pending: 'bigint', lifetime_earned: 'bigint' }

export type PostingKind =
  | 'earn'
  | 'redeem'
  | 'cancel_redeem'
  | 'expire'
  | 'adjust'
  | 'reverse'
  | 'transfer'
  | 'release'
  | 'cancel_pending'

export type SourceType =
  | 'order'
  | 'refund'
  | 'rule'
  | 'campaign'
  | 'redemption'
  | 'staff_adjustment'
  | 'expiry'
  | 'transfer'

export interface Posting {
  id: number
  companyId: number
  accountId: number
  kind: PostingKind
  amount: number
  pendingAmount: number
  shortfall: number
  sourceType: SourceType
  sourceId: string | null
  idempotencyKey: string
  relatedPostingId: number | null
  reason: string | null
  actorId: number | null
  /** False when an earlier posting with the same idempotency key was returned. */
  created: boolean
}

export interface Account {
  id: number
  companyId: number
  memberId: number
  balance: number
  pending: number
  lifetimeEarned: number
  lifetimeRedeemed: number
  lifetimeExpired: number
  lifetimeReversed: number
  negativeAllowed: boolean
  version: number
}

interface MemberRef {
  companyId: number
  memberId: number
}

/** Reversal policy when the points were already spent. */
export type ShortfallPolicy = 'allow_negative' | 'record_shortfall'

export class PointsError extends DomainError {
  constructor(code: string, key: string, data: Record<string, unknown> = {}) {
    super(code, `loyalty.errors.${key}`, 422, data)
  }
}

function assertPoints(points: number, allowZero = false) {
  if (!Number.isSafeInteger(points) || points < 0 || (!allowZero && points === 0)) {
    throw new PointsError('E_POINTS_INVALID', 'invalid_points', { points })
  }
}

function toDateTime(value: Date | string): DateTime {
  return value instanceof Date
    ? DateTime.fromJSDate(value, { zone: 'utc' })
    : DateTime.fromSQL(String(value), { zone: 'utc' })
}

function mapAccount(row: any): Account {
  return {
    id: Number(row.id),
    companyId: Number(row.company_id),
    memberId: Number(row.member_id),
    balance: Number(row.balance),
    pending: Number(row.pending),
    lifetimeEarned: Number(row.lifetime_earned),
    lifetimeRedeemed: Number(row.lifetime_redeemed),
    lifetimeExpired: Number(row.lifetime_expired),
    lifetimeReversed: Number(row.lifetime_reversed),
    negativeAllowed: Boolean(row.negative_allowed),
    version: Number(row.version),
  }
}

function mapPosting(row: any, created: boolean): Posting {
  return {
    id: Number(row.id),
    companyId: Number(row.company_id),
    accountId: Number(row.account_id),
    kind: row.kind,
    amount: Number(row.amount),
    pendingAmount: Number(row.pending_amount),
    shortfall: Number(row.shortfall),
    sourceType: row.source_type,
    sourceId: row.source_id,
    idempotencyKey: row.idempotency_key,
    relatedPostingId: row.related_posting_id === null ? null : Number(row.related_posting_id),
    reason: row.reason,
    actorId: row.actor_id === null ? null : Number(row.actor_id),
    created,
  }
}

function insertedId(rows: any[]): number {
  const row = rows[0]
  return Number(typeof row === 'object' ? row.id : row)
}

/** `UPDATE … RETURNING *` on the member's account (SQLite ≥ 3.35 and PostgreSQL): lock and read in one statement. */
async function lockAccount(trx: TransactionClientContract, memberId: number): Promise<any | null> {
  const result = await trx.rawQuery(
    'UPDATE points_accounts SET version = version + 1 WHERE member_id = ? RETURNING *',
    [memberId]
  )
  return rawRows(result)[0] ?? null
}

/** Multi-row inserts in chunks: SQLite refuses a compound SELECT of more than 500 rows. */
async function insertChunked(
  trx: TransactionClientContract,
  table: string,
  rows: Record<string, unknown>[],
  size = 200
) {
  for (let i = 0; i < rows.length; i += size) {
    await trx.table(table).multiInsert(rows.slice(i, i + size))
  }
}

function assertCharge(points: number, charge: PromotionBudgetCharge | null | undefined) {
  if (!charge) return
  if (
    !Number.isSafeInteger(charge.promotionId) ||
    !Number.isSafeInteger(charge.points) ||
    charge.points < 0 ||
    charge.points > points
  ) {
    throw new PointsError('E_POINTS_INVALID', 'invalid_points', { points: charge.points })
  }
}

/**
 * Spends promotion budgets inside the posting's transaction: each promotion
 * row is locked (`FOR UPDATE` on PostgreSQL; SQLite already holds the write
 * lock), what is left is given out in order (a charge gets at most what is
 * left), and the total is added by a conditional update that cannot take the
 * budget past its limit — if it matches no row, nothing is written.
 * Returns what each charge was granted.
 */
async function spendBudgets(
  trx: TransactionClientContract,
  charges: PromotionBudgetCharge[]
): Promise<number[]> {
  const ids = [...new Set(charges.map((charge) => charge.promotionId))].sort((a, b) => a - b)
  const query = trx
    .from('loyalty_promotions')
    .whereIn('id', ids)
    .orderBy('id')
    .select('id', 'budget_points', 'budget_spent')
  const rows = trx.dialect.name === 'postgres' ? await query.forUpdate() : await query
  const left = new Map<number, number>()
  for (const row of rows) {
    left.set(
      Number(row.id),
      row.budget_points === null
        ? Number.POSITIVE_INFINITY
        : Math.max(Number(row.budget_points) - Number(row.budget_spent), 0)
    )
  }
  const spent = new Map<number, number>()
  const granted = charges.map((charge) => {
    const available = left.get(charge.promotionId) ?? 0
    const take = Math.min(charge.points, available)
    left.set(charge.promotionId, available - take)
    spent.set(charge.promotionId, (spent.get(charge.promotionId) ?? 0) + take)
    return take
  })
  for (const [promotionId, points] of spent) {
    if (points === 0) continue
    const updated = await trx
      .from('loyalty_promotions')
      .where('id', promotionId)
      .where((q) =>
        q.whereNull('budget_points').orWhereRaw('budget_spent + ? <= budget_points', [points])
      )
      .increment('budget_spent', points)
    if (affectedRows(updated) !== 1) {
      throw new PointsError('E_PROMOTION_BUDGET_SPENT', 'budget_spent')
    }
  }
  return granted
}

/** PostgreSQL serialization failure / deadlock, SQLite busy: safe to run again. */
function isRetryable(error: any) {
  const code = String(error?.code ?? '')
  return code === '40001' || code === '40P01' || code.startsWith('SQLITE_BUSY')
}

function isUniqueViolation(error: any) {
  const code = String(error?.code ?? '')
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE'
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

/**
 * The part of an earn a promotion adds, paid from the promotion's budget:
 * taken in the same transaction as the posting; when less is left, the
 * posting is reduced by what the budget could not pay.
 */
export interface PromotionBudgetCharge {
  promotionId: number
  points: number
}

/** One entry of `earnMany`: the member and what `earn` takes. */
export interface EarnEntry extends EarnInput {
  ref: MemberRef
}

interface PostingInput {
  kind: PostingKind
  amount: number
  pendingAmount?: number
  shortfall?: number
  sourceType: SourceType
  sourceId?: string | number | null
  idempotencyKey: string
  relatedPostingId?: number | null
  reason?: string | null
  actorId?: number | null
}

/** An `earn` on PostgreSQL, its values computed by the ledger that was called. */
interface PostgresEarn {
  memberId: number
  companyId: number
  sourceType: SourceType
  sourceId: string | null
  idempotencyKey: string
  points: number
  available: number
  pending: number
  status: 'pending' | 'available'
  availableAt: string | null
  expiresAt: string | null
  reason: string | null
  actorId: number | null
  stamp: string
}

/** What `earn` takes: points earned from a source, once per idempotency key. */
export interface EarnInput {
  points: number
  sourceType: SourceType
  sourceId?: string | number | null
  idempotencyKey: string
  /** In the future: pending (冻结) until then. */
  availableAt?: DateTime | null
  expiresAt?: DateTime | null
  actorId?: number | null
  reason?: string | null
  promotionBudget?: PromotionBudgetCharge | null
}

/**
 * Runs `operation` again (5 attempts, backoff) after a PostgreSQL
 * serialization failure or deadlock or SQLITE_BUSY (another process's
 * writer held the lock beyond busy_timeout).
 */
async function retrying<T>(operation: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation()
    } catch (error) {
      if (attempt >= 5 || !isRetryable(error)) throw error
      await new Promise((resolve) => setTimeout(resolve, 10 * 2 ** attempt))
    }
  }
}

/**
 * `earn` on PostgreSQL in ONE statement (autocommit, no BEGIN/COMMIT):
 * the conditional `UPDATE … RETURNING` of the account takes its row lock
 * and adds the totals unless the idempotency key was used; the posting,
 * the lot and — when new points pay back a negative balance — the
 * consumption are inserted by data-modifying CTEs from what it returned.
 * Either all of it commits or none. No row when the key was seen or the
 * account does not exist yet (the caller looks); a replay racing past the
 * NOT EXISTS is stopped by the unique index (the caller returns the
 * winner's posting).
 */
async function earnOnePostgres(earn: PostgresEarn): Promise<Posting | null> {
  try {
    const result = await retrying(() =>
      db.rawQuery(
        `WITH acc AS (
         UPDATE points_accounts
            SET version = version + 1, balance = balance + ?, pending = pending + ?,
                lifetime_earned = lifetime_earned + ?, updated_at = ?
          WHERE member_id = ?
            AND NOT EXISTS (SELECT 1 FROM points_postings WHERE company_id = ? AND source_type = ? AND idempotency_key = ?)
          RETURNING id, company_id, balance - ? AS balance_before),
       p AS (
         INSERT INTO points_postings (company_id, account_id, kind, amount, pending_amount, shortfall, source_type, source_id, idempotency_key, related_posting_id, reason, actor_id, created_at)
         SELECT company_id, id, 'earn', ?, ?, 0, ?, ?, ?, NULL, ?, ?, ? FROM acc
         RETURNING *),
       l AS (
         INSERT INTO points_lots (company_id, account_id, earn_posting_id, source_type, source_id, amount, remaining, status, available_at, expires_at, created_at, updated_at)
         SELECT p.company_id, p.account_id, p.id, p.source_type, p.source_id, ?,
                ? - CASE WHEN ? = 0 AND acc.balance_before < 0 THEN LEAST(-acc.balance_before, ?) ELSE 0 END,
                ?, ?, ?, ?, ?
           FROM p CROSS JOIN acc
         RETURNING id, amount - remaining AS settled),
       c AS (
         INSERT INTO points_lot_consumptions (posting_id, lot_id, amount, created_at)
         SELECT p.id, l.id, l.settled, ? FROM p CROSS JOIN l WHERE l.settled > 0)
       SELECT p.* FROM p`,
        [
          // acc
          earn.available,
          earn.pending,
          earn.points,
          earn.stamp,
          earn.memberId,
          earn.companyId,
          earn.sourceType,
          earn.idempotencyKey,
          earn.available,
          // p
          earn.available,
          earn.pending,
          earn.sourceType,
          earn.sourceId,
          earn.idempotencyKey,
          earn.reason,
          earn.actorId,
          earn.stamp,
          // l
          earn.points,
          earn.points,
          earn.pending,
          earn.points,
          earn.status,
          earn.availableAt,
          earn.expiresAt,
          earn.stamp,
          earn.stamp,
          // c
          earn.stamp,
        ]
      )
    )
    const row = result.rows[0]
    return row ? mapPosting(row, true) : null
  } catch (error) {
    // A replay that raced past NOT EXISTS: the unique index decided, the general path returns the first posting.
    if (isUniqueViolation(error)) return null
    throw error
  }
}

/**
 * Group commit of `earn` on PostgreSQL: the earns submitted meanwhile are
 * posted by ONE statement, the batched form of `earnOnePostgres` — the
 * entries as a JSON recordset, one conditional `UPDATE … FROM` of their
 * accounts (each skipped when its key was used), then the postings, lots
 * and consumptions from what it returned. One statement holds at most one
 * entry per member (the `UPDATE … FROM` adds one row per account); a member's
 * further earns go to the next statement. A key repeated in the batch is
 * posted once: its other entries answer null (the general path returns the
 * first posting, created: false). If the statement fails as a whole (a bad
 * entry — a foreign key, a too-long source id — or a replay racing past the
 * NOT EXISTS into the unique index), its entries are run one by one, so
 * each caller gets its own result or error.
 */
async function earnBatchOnPostgres(earns: PostgresEarn[]): Promise<GroupOutcome<Posting | null>[]> {
  const alone = async (earn: PostgresEarn): Promise<GroupOutcome<Posting | null>> => {
    try {
      return { ok: true, value: await earnOnePostgres(earn) }
    } catch (error) {
      return { ok: false, error }
    }
  }
  if (earns.length === 1) return [await alone(earns[0])]
  const outcomes: GroupOutcome<Posting | null>[] = new Array(earns.length)
  const keys = new Set<string>()
  let left: number[] = []
  earns.forEach((earn, index) => {
    const key = `${earn.companyId}|${earn.sourceType}|${earn.idempotencyKey}`
    if (keys.has(key)) outcomes[index] = { ok: true, value: null }
    else left.push(index)
    keys.add(key)
  })
  while (left.length > 0) {
    const members = new Set<number>()
    const statement: number[] = []
    const later: number[] = []
    for (const index of left) {
      if (members.has(earns[index].memberId)) later.push(index)
      else statement.push(index)
      members.add(earns[index].memberId)
    }
    left = later
    if (statement.length === 1) {
      outcomes[statement[0]] = await alone(earns[statement[0]])
      continue
    }
    let rows: any[]
    try {
      rows = await retrying(() => earnStatementOnPostgres(statement, earns))
    } catch {
      for (const index of statement) outcomes[index] = await alone(earns[index])
      continue
    }
    const posted = new Map(rows.map((row) => [Number(row.ord), row]))
    // A member's first earn finds no account: create the batch's missing accounts at
    // once and post those entries by the same statement (not one general-path
    // transaction each). An entry left over is a replay: the general path answers it.
    const unposted = statement.filter((index) => !posted.has(index))
    const opened = unposted.length > 0 ? await openAccountsOnPostgres(unposted, earns) : null
    const retry = opened ? unposted.filter((index) => opened.has(earns[index].memberId)) : []
    if (retry.length > 0) {
      try {
        const more = await retrying(() => earnStatementOnPostgres(retry, earns))
        for (const row of more) posted.set(Number(row.ord), row)
      } catch {
        for (const index of retry) outcomes[index] = await alone(earns[index])
      }
    }
    for (const index of statement) {
      if (outcomes[index]) continue
      const row = posted.get(index)
      outcomes[index] = { ok: true, value: row ? mapPosting(row, true) : null }
    }
  }
  return outcomes
}

/**
 * Opens empty accounts for the members of `indexes` that have none; the
 * members whose account it created. Null if the insert fails (an unknown
 * member): those entries take the general path, which reports the error.
 */
async function openAccountsOnPostgres(
  indexes: number[],
  earns: PostgresEarn[]
): Promise<Set<number> | null> {
  const entries = indexes.map((index) => earns[index])
  try {
    const result = await db.rawQuery(
      `INSERT INTO points_accounts (company_id, member_id, created_at, updated_at)
       SELECT company_id, member_id, stamp, stamp
         FROM unnest(?::int[], ?::int[], ?::timestamptz[]) AS v(company_id, member_id, stamp)
       ON CONFLICT (member_id) DO NOTHING
       RETURNING member_id`,
      [
        entries.map((earn) => earn.companyId),
        entries.map((earn) => earn.memberId),
        entries.map((earn) => earn.stamp),
      ]
    )
    return new Set(result.rows.map((row: any) => Number(row.member_id)))
  } catch {
    return null
  }
}

/** The statement of `earnBatchOnPostgres` for `indexes` of `earns` (distinct members). */
async function earnStatementOnPostgres(indexes: number[], earns: PostgresEarn[]): Promise<any[]> {
  const entries = indexes.map((index) => ({ ord: index, ...earns[index] }))
  const result = await db.rawQuery(
    `WITH v AS (
       SELECT * FROM json_to_recordset(?::json) AS v(
         "ord" integer, "memberId" integer, "companyId" integer, "sourceType" text, "sourceId" text,
         "idempotencyKey" text, "points" integer, "available" integer, "pending" integer, "status" text,
         "availableAt" timestamptz, "expiresAt" timestamptz, "reason" text, "actorId" integer, "stamp" timestamptz)),
     acc AS (
       UPDATE points_accounts a
          SET version = a.version + 1, balance = a.balance + v.available, pending = a.pending + v.pending,
              lifetime_earned = a.lifetime_earned + v.points, updated_at = v.stamp
         FROM v
        WHERE a.member_id = v."memberId"
          -- The planner cannot count a JSON recordset's rows: joined on it alone, the
          -- accounts were read whole (a hash join over a sequential scan) once the
          -- statistics knew the table. The array keeps it on the member_id index.
          AND a.member_id = ANY(?::int[])
          AND NOT EXISTS (SELECT 1 FROM points_postings pp
                           WHERE pp.company_id = v."companyId" AND pp.source_type = v."sourceType"
                             AND pp.idempotency_key = v."idempotencyKey")
       RETURNING a.id, a.company_id, a.balance - v.available AS balance_before, v.ord),
     p AS (
       INSERT INTO points_postings (company_id, account_id, kind, amount, pending_amount, shortfall, source_type, source_id, idempotency_key, related_posting_id, reason, actor_id, created_at)
       SELECT acc.company_id, acc.id, 'earn', v.available, v.pending, 0, v."sourceType", v."sourceId", v."idempotencyKey", NULL, v.reason, v."actorId", v.stamp
         FROM acc JOIN v ON v.ord = acc.ord
       RETURNING *),
     l AS (
       INSERT INTO points_lots (company_id, account_id, earn_posting_id, source_type, source_id, amount, remaining, status, available_at, expires_at, created_at, updated_at)
       SELECT p.company_id, p.account_id, p.id, p.source_type, p.source_id, v.points,
              v.points - CASE WHEN v.pending = 0 AND acc.balance_before < 0 THEN LEAST(-acc.balance_before, v.points) ELSE 0 END,
              v.status, v."availableAt", v."expiresAt", v.stamp, v.stamp
         FROM p JOIN acc ON acc.id = p.account_id JOIN v ON v.ord = acc.ord
       RETURNING id, earn_posting_id, amount - remaining AS settled, created_at),
     c AS (
       INSERT INTO points_lot_consumptions (posting_id, lot_id, amount, created_at)
       SELECT l.earn_posting_id, l.id, l.settled, l.created_at FROM l WHERE l.settled > 0)
     SELECT p.*, acc.ord FROM p JOIN acc ON acc.id = p.account_id`,
    [JSON.stringify(entries), entries.map((entry) => entry.memberId)]
  )
  return result.rows
}

/** This process's group commit of `earn` on PostgreSQL. */
const postgresEarns = new GroupCommit(earnBatchOnPostgres)

/**
 * The one door to points balances. Every change is a transaction that
 * (1) locks the account with a write (`version = version + 1`): a row lock
 * on PostgreSQL, the database write lock on SQLite, taken before anything
 * is read, which is what `BEGIN IMMEDIATE` gives; (2) returns the earlier
 * posting if the idempotency key was seen; (3) writes postings, lots and
 * consumptions and the account totals together. `earn` without a promotion
 * budget does the same on faster paths, falling back to this one: on
 * PostgreSQL one statement (`earnOnPostgres`), on SQLite prepared statements
 * (`earnOnSqlite`); concurrent earns without an outer transaction share one
 * commit (group commit, docs/loyalty.md).
 */
export class PointsLedger {
  constructor(private now: () => DateTime = () => DateTime.utc()) {}

  /** The member's account, created empty on first use. */
  async account(ref: MemberRef, client?: TransactionClientContract): Promise<Account> {
    const conn = client ?? db
    const existing = await conn.from('points_accounts').where('member_id', ref.memberId).first()
    if (existing) return mapAccount(existing)
    const stamp = toDbTime(this.now())
    await conn
      .table('points_accounts')
      .knexQuery.insert({
        company_id: ref.companyId,
        member_id: ref.memberId,
        created_at: stamp,
        updated_at: stamp,
      })
      .onConflict('member_id')
      .ignore()
    return mapAccount(
      await conn.from('points_accounts').where('member_id', ref.memberId).firstOrFail()
    )
  }

  async setNegativeAllowed(ref: MemberRef, allowed: boolean) {
    const account = await this.account(ref)
    await db.from('points_accounts').where('id', account.id).update({ negative_allowed: allowed })
  }

  /**
   * Points earned (by an order, a rule, a campaign …). With `availableAt`
   * in the future they are pending (冻结) until the return window ends.
   */
  async earn(ref: MemberRef, input: EarnInput): Promise<Posting> {
    assertPoints(input.points)
    assertCharge(input.points, input.promotionBudget)
    if (!input.promotionBudget) {
      const posting =
        db.connection().dialect.name === 'postgres'
          ? await this.earnOnPostgres(ref, input)
          : await this.earnOnSqlite(ref, input)
      if (posting) return posting
      // PostgreSQL: the key was used before or the member has no account yet; SQLite: the
      // fast path does not apply (a global transaction is open) — the general path decides.
    }
    return this.run(ref, input.sourceType, input.idempotencyKey, async (trx, account) => {
      const now = this.now()
      const pending = !!input.availableAt && input.availableAt > now
      let points = input.points
      if (input.promotionBudget) {
        const [granted] = await spendBudgets(trx, [input.promotionBudget])
        points -= input.promotionBudget.points - granted
        if (points <= 0) throw new PointsError('E_PROMOTION_BUDGET_SPENT', 'budget_spent')
      }
      const posting = await this.post(trx, account, {
        kind: 'earn',
        amount: pending ? 0 : points,
        pendingAmount: pending ? points : 0,
        sourceType: input.sourceType,
        sourceId: input.sourceId,
        idempotencyKey: input.idempotencyKey,
        actorId: input.actorId,
        reason: input.reason,
      })
      const lotId = await this.createLot(trx, account, posting, points, {
        status: pending ? 'pending' : 'available',
        availableAt: pending ? input.availableAt! : null,
        expiresAt: input.expiresAt ?? null,
      })
      if (!pending) await this.settleDebt(trx, account, posting.id, lotId, points)
      await this.bump(trx, account, {
        balance: posting.amount,
        pending: posting.pendingAmount,
        lifetime_earned: points,
      })
      return posting
    })
  }

  /**
   * `earn` on PostgreSQL without a transaction of its own: one statement
   * (`earnOnePostgres`), or — when no outer transaction is open — one
   * statement for all the earns of this process submitted meanwhile (group
   * commit, `earnBatchOnPostgres`). Null when the general path must decide
   * (the key was used before, the account does not exist yet, a replay raced).
   */
  private async earnOnPostgres(
    ref: MemberRef,
    input: Omit<EarnInput, 'promotionBudget'>
  ): Promise<Posting | null> {
    if (!input.idempotencyKey || input.idempotencyKey.length > 120) {
      throw new PointsError('E_POINTS_KEY_INVALID', 'invalid_key')
    }
    const now = this.now()
    const isPending = !!input.availableAt && input.availableAt > now
    const earn: PostgresEarn = {
      memberId: ref.memberId,
      companyId: ref.companyId,
      sourceType: input.sourceType,
      sourceId:
        input.sourceId === null || input.sourceId === undefined ? null : String(input.sourceId),
      idempotencyKey: input.idempotencyKey,
      points: input.points,
      available: isPending ? 0 : input.points,
      pending: isPending ? input.points : 0,
      status: isPending ? 'pending' : 'available',
      availableAt: isPending ? toDbTime(input.availableAt!) : null,
      expiresAt: input.expiresAt ? toDbTime(input.expiresAt) : null,
      reason: input.reason ?? null,
      actorId: input.actorId ?? null,
      stamp: toDbTime(now),
    }
    if (db.connection().isTransaction) return earnOnePostgres(earn)
    return postgresEarns.submit(earn)
  }

  /**
   * `earn` on SQLite as one synchronous `BEGIN IMMEDIATE` transaction of
   * prepared statements on the pool's connection (`withSqliteImmediate`):
   * the key check, the account totals (`UPDATE … RETURNING` the balance
   * before, creating the account on first use), the posting, the lot (less
   * what pays back a negative balance) and that consumption — what the
   * general path writes, without knex building and SQLite preparing each
   * statement again. The write lock is taken by BEGIN, so the key check
   * already runs under it. Null when the fast path does not apply.
   */
  private async earnOnSqlite(
    ref: MemberRef,
    input: Omit<EarnInput, 'promotionBudget'>
  ): Promise<Posting | null> {
    if (!input.idempotencyKey || input.idempotencyKey.length > 120) {
      throw new PointsError('E_POINTS_KEY_INVALID', 'invalid_key')
    }
    const now = this.now()
    const stamp = toDbTime(now)
    const isPending = !!input.availableAt && input.availableAt > now
    const available = isPending ? 0 : input.points
    const pending = isPending ? input.points : 0
    const sourceId =
      input.sourceId === null || input.sourceId === undefined ? null : String(input.sourceId)
    const transaction = (connection: SqliteConnection): Posting => {
      const existing = prepared(
        connection,
        'SELECT * FROM points_postings WHERE company_id = ? AND source_type = ? AND idempotency_key = ?'
      ).get(ref.companyId, input.sourceType, input.idempotencyKey)
      if (existing) {
        const own = prepared(connection, 'SELECT id FROM points_accounts WHERE member_id = ?').get(
          ref.memberId
        )
        if (!own || Number(own.id) !== Number(existing.account_id)) {
          throw new PointsError('E_POINTS_KEY_REUSED', 'key_reused')
        }
        return mapPosting(existing, false)
      }
      const addTotals = () =>
        prepared(
          connection,
          `UPDATE points_accounts
              SET version = version + 1, balance = balance + ?, pending = pending + ?,
                  lifetime_earned = lifetime_earned + ?, updated_at = ?
            WHERE member_id = ?
        RETURNING id, company_id, balance - ? AS balance_before`
        ).get(available, pending, input.points, stamp, ref.memberId, available)
      let account = addTotals()
      if (!account) {
        prepared(
          connection,
          'INSERT INTO points_accounts (company_id, member_id, created_at, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (member_id) DO NOTHING'
        ).run(ref.companyId, ref.memberId, stamp, stamp)
        account = addTotals()
      }
      const row = {
        company_id: Number(account.company_id),
        account_id: Number(account.id),
        kind: 'earn',
        amount: available,
        pending_amount: pending,
        shortfall: 0,
        source_type: input.sourceType,
        source_id: sourceId,
        idempotency_key: input.idempotencyKey,
        related_posting_id: null,
        reason: input.reason ?? null,
        actor_id: input.actorId ?? null,
        created_at: stamp,
      }
      const postingId = Number(
        prepared(
          connection,
          `INSERT INTO points_postings (company_id, account_id, kind, amount, pending_amount, shortfall, source_type, source_id, idempotency_key, related_posting_id, reason, actor_id, created_at)
           VALUES (?, ?, 'earn', ?, ?, 0, ?, ?, ?, NULL, ?, ?, ?)`
        ).run(
          row.company_id,
          row.account_id,
          row.amount,
          row.pending_amount,
          row.source_type,
          row.source_id,
          row.idempotency_key,
          row.reason,
          row.actor_id,
          stamp
        ).lastInsertRowid
      )
      // New available points pay back a negative balance first (settleDebt), taken from the lot at once.
      const balanceBefore = Number(account.balance_before)
      const settled = !isPending && balanceBefore < 0 ? Math.min(-balanceBefore, input.points) : 0
      const lotId = Number(
        prepared(
          connection,
          `INSERT INTO points_lots (company_id, account_id, earn_posting_id, source_type, source_id, amount, remaining, status, available_at, expires_at, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
        ).run(
          row.company_id,
          row.account_id,
          postingId,
          row.source_type,
          row.source_id,
          input.points,
          input.points - settled,
          isPending ? 'pending' : 'available',
          isPending ? toDbTime(input.availableAt!) : null,
          input.expiresAt ? toDbTime(input.expiresAt) : null,
          stamp,
          stamp
        ).lastInsertRowid
      )
      if (settled > 0) {
        prepared(
          connection,
          'INSERT INTO points_lot_consumptions (posting_id, lot_id, amount, created_at) VALUES (?, ?, ?, ?)'
        ).run(postingId, lotId, settled, stamp)
      }
      return mapPosting({ ...row, id: postingId }, true)
    }
    return (await retrying(() => sqliteGroupCommit(transaction))) ?? null
  }

  /**
   * Many earns (any members) in ONE transaction — the accrual path for
   * batches. Same guarantees as `earn`, entry by entry: the accounts are
   * locked first (row locks in id order on PostgreSQL; the write lock on
   * SQLite, the first statement being a write), idempotency keys are checked
   * under the lock (a replayed entry returns the first posting with
   * `created: false`, also when the key repeats inside the batch), new
   * points pay back a negative balance first, and postings, lots and totals
   * commit together or not at all. Returns one posting per entry, in order.
   */
  async earnMany(entries: Array<EarnEntry>): Promise<Posting[]> {
    for (const entry of entries) {
      assertPoints(entry.points)
      assertCharge(entry.points, entry.promotionBudget)
      if (!entry.idempotencyKey || entry.idempotencyKey.length > 120) {
        throw new PointsError('E_POINTS_KEY_INVALID', 'invalid_key')
      }
    }
    if (entries.length === 0) return []
    const members = new Map<number, MemberRef>()
    for (const entry of entries) members.set(entry.ref.memberId, entry.ref)
    await this.ensureAccounts([...members.values()])
    const memberIds = [...members.keys()].sort((a, b) => a - b)
    return retrying(() => db.transaction((trx) => this.earnManyLocked(trx, entries, memberIds)))
  }

  private async ensureAccounts(refs: MemberRef[]) {
    const stamp = toDbTime(this.now())
    for (let i = 0; i < refs.length; i += 200) {
      await db
        .table('points_accounts')
        .knexQuery.insert(
          refs.slice(i, i + 200).map((ref) => ({
            company_id: ref.companyId,
            member_id: ref.memberId,
            created_at: stamp,
            updated_at: stamp,
          }))
        )
        .onConflict('member_id')
        .ignore()
    }
  }

  private async earnManyLocked(
    trx: TransactionClientContract,
    input: EarnEntry[],
    memberIds: number[]
  ): Promise<Posting[]> {
    // Entries are copied: a budget that ran short reduces the copy, never the caller's entry.
    const entries = input.map((entry) => ({ ...entry }))
    const accounts = new Map<number, Account>()
    for (const ids of chunks(memberIds, 500)) {
      if (trx.dialect.name === 'postgres') {
        // Row locks in id order, the order every batch takes them in.
        await trx.from('points_accounts').whereIn('member_id', ids).orderBy('id').forUpdate()
      }
      const result = await trx.rawQuery(
        `UPDATE points_accounts SET version = version + 1 WHERE member_id IN (${ids.map(() => '?').join(',')}) RETURNING *`,
        ids
      )
      for (const row of rawRows(result)) {
        accounts.set(Number(row.member_id), mapAccount(row))
      }
    }
    const identity = (companyId: number, sourceType: string, key: string) =>
      `${companyId}|${sourceType}|${key}`
    const findPostings = async (wanted: EarnEntry[]) => {
      const found = new Map<string, any>()
      const bySource = new Map<string, EarnEntry[]>()
      for (const entry of wanted) {
        const group = bySource.get(entry.sourceType) ?? []
        group.push(entry)
        bySource.set(entry.sourceType, group)
      }
      for (const [sourceType, group] of bySource) {
        for (const part of chunks(group, 500)) {
          const rows = await trx
            .from('points_postings')
            .whereIn('company_id', [...new Set(part.map((entry) => entry.ref.companyId))])
            .where('source_type', sourceType)
            .whereIn(
              'idempotency_key',
              part.map((entry) => entry.idempotencyKey)
            )
          for (const row of rows) {
            found.set(identity(Number(row.company_id), row.source_type, row.idempotency_key), row)
          }
        }
      }
      return found
    }
    const idOf = (entry: EarnEntry) =>
      identity(entry.ref.companyId, entry.sourceType, entry.idempotencyKey)

    const existing = await findPostings(entries)
    const now = this.now()
    const stamp = toDbTime(now)
    const fresh: EarnEntry[] = []
    const seen = new Set<string>()
    for (const entry of entries) {
      const key = idOf(entry)
      const row = existing.get(key)
      if (row && Number(row.account_id) !== accounts.get(entry.ref.memberId)!.id) {
        throw new PointsError('E_POINTS_KEY_REUSED', 'key_reused')
      }
      if (row || seen.has(key)) continue
      seen.add(key)
      fresh.push(entry)
    }
    // Promotion budgets: only new postings spend them, in entry order, under the promotion's lock.
    const charged = fresh.filter((entry) => entry.promotionBudget)
    if (charged.length > 0) {
      const granted = await spendBudgets(
        trx,
        charged.map((entry) => entry.promotionBudget!)
      )
      charged.forEach((entry, index) => {
        entry.points -= entry.promotionBudget!.points - granted[index]
        if (entry.points <= 0) throw new PointsError('E_PROMOTION_BUDGET_SPENT', 'budget_spent')
      })
    }
    const isPending = (entry: EarnEntry) => !!entry.availableAt && entry.availableAt > now
    await insertChunked(
      trx,
      'points_postings',
      fresh.map((entry) => {
        const pending = isPending(entry)
        return {
          company_id: entry.ref.companyId,
          account_id: accounts.get(entry.ref.memberId)!.id,
          kind: 'earn',
          amount: pending ? 0 : entry.points,
          pending_amount: pending ? entry.points : 0,
          shortfall: 0,
          source_type: entry.sourceType,
          source_id:
            entry.sourceId === null || entry.sourceId === undefined ? null : String(entry.sourceId),
          idempotency_key: entry.idempotencyKey,
          related_posting_id: null,
          reason: entry.reason ?? null,
          actor_id: entry.actorId ?? null,
          created_at: stamp,
        }
      })
    )
    const created = await findPostings(fresh)
    await insertChunked(
      trx,
      'points_lots',
      fresh.map((entry) => {
        const pending = isPending(entry)
        const posting = created.get(idOf(entry))
        return {
          company_id: entry.ref.companyId,
          account_id: Number(posting.account_id),
          earn_posting_id: Number(posting.id),
          source_type: posting.source_type,
          source_id: posting.source_id,
          amount: entry.points,
          remaining: entry.points,
          status: pending ? 'pending' : 'available',
          available_at: pending ? toDbTime(entry.availableAt!) : null,
          expires_at: entry.expiresAt ? toDbTime(entry.expiresAt) : null,
          created_at: stamp,
          updated_at: stamp,
        }
      })
    )
    // New available points pay back a negative balance first (as `earn` does).
    const balances = new Map([...accounts.values()].map((account) => [account.id, account]))
    const deltas = new Map<number, { balance: number; pending: number; earned: number }>()
    const debtors = fresh.filter(
      (entry) => accounts.get(entry.ref.memberId)!.balance < 0 && !isPending(entry)
    )
    const lotOf = new Map<number, number>()
    for (const part of chunks(debtors, 500)) {
      const rows = await trx
        .from('points_lots')
        .whereIn(
          'earn_posting_id',
          part.map((entry) => Number(created.get(idOf(entry)).id))
        )
        .select('id', 'earn_posting_id')
      for (const row of rows) lotOf.set(Number(row.earn_posting_id), Number(row.id))
    }
    for (const entry of fresh) {
      const posting = created.get(idOf(entry))
      const accountId = Number(posting.account_id)
      const delta = deltas.get(accountId) ?? { balance: 0, pending: 0, earned: 0 }
      delta.earned += entry.points
      if (isPending(entry)) {
        delta.pending += entry.points
      } else {
        const account = balances.get(accountId)!
        const balance = account.balance + delta.balance
        if (balance < 0) {
          const postingId = Number(posting.id)
          await this.settleDebt(
            trx,
            { ...account, balance },
            postingId,
            lotOf.get(postingId)!,
            entry.points
          )
        }
        delta.balance += entry.points
      }
      deltas.set(accountId, delta)
    }
    // One statement per 500 accounts joined to their deltas (a CASE over 200 ids took 4 ms a
    // statement on SQLite: a committed import granting signup bonuses ran 319 of them per 50k rows).
    await bulkUpdate(
      trx,
      'points_accounts',
      new Map(
        [...deltas].map(([id, delta]) => [
          id,
          { balance: delta.balance, pending: delta.pending, lifetime_earned: delta.earned },
        ])
      ),
      { add: true, types: ACCOUNT_DELTA_TYPES, also: { updated_at: stamp } }
    )
    const returned = new Set<string>()
    return entries.map((entry) => {
      const key = idOf(entry)
      const old = existing.get(key)
      if (old) return mapPosting(old, false)
      // A key repeated inside the batch: the first entry created it, the others replay it.
      const first = !returned.has(key)
      returned.add(key)
      return mapPosting(created.get(key), first)
    })
  }

  /** Pending lots whose return window has ended become available (daily job). */
  async releaseDue(
    options: {
      batchSize?: number
      /** Told of each member whose points became available (first-order bonus). */
      onReleased?: (ref: MemberRef) => void
    } = {}
  ): Promise<number> {
    const batchSize = options.batchSize ?? 500
    let released = 0
    while (true) {
      const lots = await db
        .from('points_lots')
        .where('status', 'pending')
        .where('available_at', '<=', toDbTime(this.now()))
        .orderBy('id')
        .limit(batchSize)
      if (lots.length === 0) return released
      for (const lot of lots) {
        const done = await this.releaseLot(Number(lot.id), options.onReleased)
        if (done) released++
      }
      if (lots.length < batchSize) return released
    }
  }

  /**
   * Sets when a source's pending lots become available (an order earned
   * pending points when paid; its return window starts when it completes).
   * Only the schedule changes: no balance moves, so no posting is written.
   */
  async schedulePendingRelease(
    ref: MemberRef,
    input: { sourceType: SourceType; sourceId: string | number; availableAt: DateTime }
  ): Promise<void> {
    await this.runLocked(ref, async (trx, account) => {
      await trx
        .from('points_lots')
        .where('account_id', account.id)
        .where('source_type', input.sourceType)
        .where('source_id', String(input.sourceId))
        .where('status', 'pending')
        .update({ available_at: toDbTime(input.availableAt), updated_at: toDbTime(this.now()) })
    })
  }

  private async releaseLot(lotId: number, onReleased?: (ref: MemberRef) => void): Promise<boolean> {
    const lotRow = await db.from('points_lots').where('id', lotId).firstOrFail()
    const account = mapAccount(
      await db.from('points_accounts').where('id', lotRow.account_id).firstOrFail()
    )
    const ref = { companyId: account.companyId, memberId: account.memberId }
    const posting = await this.run(ref, 'expiry', `release:lot:${lotId}`, async (trx, acc) => {
      const lot = await trx.from('points_lots').where('id', lotId).firstOrFail()
      if (lot.status !== 'pending') return null
      const points = Number(lot.remaining)
      const released = await this.post(trx, acc, {
        kind: 'release',
        amount: points,
        pendingAmount: -points,
        sourceType: 'expiry',
        sourceId: String(lotId),
        idempotencyKey: `release:lot:${lotId}`,
      })
      await trx
        .from('points_lots')
        .where('id', lotId)
        .update({ status: 'available', updated_at: toDbTime(this.now()) })
      await this.settleDebt(trx, acc, released.id, lotId, points)
      await this.bump(trx, acc, { balance: points, pending: -points })
      return released
    })
    const created = posting !== null && posting.created
    if (created && onReleased) onReleased(ref)
    return created
  }

  /**
   * Spends points, taking from lots first-expiring-first. Refused when the
   * balance is short, unless the account's policy allows a negative balance.
   */
  async redeem(
    ref: MemberRef,
    input: {
      points: number
      sourceId?: string | number | null
      idempotencyKey: string
      sourceType?: SourceType
      actorId?: number | null
      reason?: string | null
      /** More work in the same transaction (a reward's stock, the redemption row); throwing undoes all. */
      within?: (trx: TransactionClientContract, posting: Posting) => Promise<void>
    }
  ): Promise<Posting> {
    assertPoints(input.points)
    const sourceType = input.sourceType ?? 'redemption'
    return this.run(ref, sourceType, input.idempotencyKey, async (trx, account) => {
      if (account.balance < input.points && !account.negativeAllowed) {
        throw new PointsError('E_POINTS_INSUFFICIENT', 'insufficient', {
          available: Math.max(account.balance, 0),
          requested: input.points,
        })
      }
      const posting = await this.post(trx, account, {
        kind: 'redeem',
        amount: -input.points,
        sourceType,
        sourceId: input.sourceId,
        idempotencyKey: input.idempotencyKey,
        actorId: input.actorId,
        reason: input.reason,
      })
      await this.consume(trx, account, posting.id, input.points)
      await this.bump(trx, account, { balance: -input.points, lifetime_redeemed: input.points })
      if (input.within) await input.within(trx, posting)
      return posting
    })
  }

  /**
   * Cancels a redemption: the points go back to the lots they came from,
   * with those lots' expiry dates. A lot already past its expiry is expired
   * again by the next expiry run. Cancelling twice changes nothing.
   */
  async cancelRedemption(
    ref: MemberRef,
    input: {
      redemptionPostingId: number
      actorId?: number | null
      reason?: string | null
      within?: (trx: TransactionClientContract, posting: Posting) => Promise<void>
    }
  ): Promise<Posting> {
    const key = `cancel:${input.redemptionPostingId}`
    return this.run(ref, 'redemption', key, async (trx, account) => {
      const original = await trx
        .from('points_postings')
        .where('id', input.redemptionPostingId)
        .where('account_id', account.id)
        .where('kind', 'redeem')
        .first()
      if (!original) {
        throw new PointsError('E_POINTS_REDEMPTION_UNKNOWN', 'unknown_redemption')
      }
      const points = -Number(original.amount)
      const posting = await this.post(trx, account, {
        kind: 'cancel_redeem',
        amount: points,
        sourceType: 'redemption',
        sourceId: original.source_id,
        idempotencyKey: key,
        relatedPostingId: Number(original.id),
        actorId: input.actorId,
        reason: input.reason,
      })
      const taken = await trx
        .from('points_lot_consumptions')
        .where('posting_id', original.id)
        .select('lot_id')
        .sum('amount as amount')
        .groupBy('lot_id')
        .orderBy('lot_id')
      const stamp = toDbTime(this.now())
      let returned = 0
      for (const row of taken) {
        const amount = Number(row.amount)
        if (amount <= 0) continue
        await trx
          .from('points_lots')
          .where('id', row.lot_id)
          .update({
            remaining: db.raw('remaining + ?', [amount]),
            status: 'available',
            updated_at: stamp,
          })
        await this.recordConsumption(trx, posting.id, Number(row.lot_id), -amount)
        returned += amount
      }
      if (returned > points) throw new Error('Lot consumptions exceed the redemption')
      // Part of the redemption may have run into a negative balance, and the
      // debt may have moved since: lots must again hold max(balance, 0).
      await this.rebalanceLots(trx, account, posting, account.balance + points)
      await this.bump(trx, account, { balance: points, lifetime_redeemed: -points })
      if (input.within) await input.within(trx, posting)
      return posting
    })
  }

  /**
   * Expires due lots (daily job). Idempotent (one posting per lot and
   * expiry, keyed by the lot), batched and resumable: each batch is its own
   * transaction over what is still due, so a run stopped part-way leaves
   * consistent accounts and the next run carries on. Set-based: a batch
   * takes the accounts of the first `batchSize` due lots (earliest expiry
   * first), locks them, and expires all their due lots with a fixed number
   * of statements whatever the batch size — the postings by
   * `INSERT … SELECT` from the lots, the account totals derived from those
   * postings, one `UPDATE` for the lots (on PostgreSQL
   * one statement of data-modifying CTEs after the lock; on SQLite, under
   * the write lock, the batch's postings are those above the largest id
   * before it). An expiry writes no lot consumption: the lot it empties is
   * its source (`source_id`), so the row would repeat the posting — and at
   * 1M members it was a fifth of the run's writes.
   */
  async expireDue(
    options: {
      batchSize?: number
      /** Batches in all (with several workers, counted across them). */
      maxBatches?: number
      /**
       * Batches run side by side, each worker over its own accounts
       * (`account_id % workers`), so no two lock the same account. The time
       * goes into PostgreSQL's per-row work (index entries, foreign-key
       * checks), which a second backend doubles up on; SQLite has one writer.
       */
      workers?: number
    } = {}
  ): Promise<number> {
    const batchSize = options.batchSize ?? 5000
    const workers =
      db.connection().dialect.name === 'postgres' ? (options.workers ?? EXPIRY_WORKERS_POSTGRES) : 1
    let batches = 0
    let expired = 0
    await Promise.all(
      Array.from({ length: workers }, async (_, worker) => {
        while (options.maxBatches === undefined || batches < options.maxBatches) {
          batches++
          const result = await this.expireBatch(batchSize, { workers, worker })
          if (result === null) return
          expired += result
        }
      })
    )
    return expired
  }

  /** One batch of one worker's accounts; null when nothing of theirs was due. */
  private async expireBatch(
    batchSize: number,
    share: { workers: number; worker: number }
  ): Promise<number | null> {
    return retrying(() =>
      db.transaction(async (trx) => {
        const stamp = toDbTime(this.now())
        const dueLots = `status = 'available' AND expires_at IS NOT NULL AND expires_at <= ?`
        const firstDue = `SELECT account_id FROM points_lots WHERE ${dueLots} ORDER BY expires_at, id LIMIT ?`
        // A lot may expire more than once (a cancelled redemption gave points back
        // to it after it expired), so the key counts its earlier expiries.
        const postingsFrom = (due: string) =>
          `INSERT INTO points_postings (company_id, account_id, kind, amount, pending_amount, shortfall, source_type, source_id, idempotency_key, created_at)
             SELECT d.company_id, d.account_id, 'expire', -d.remaining, 0, 0, 'expiry', CAST(d.id AS TEXT),
               'expire:lot:' || d.id || ':' || (1 + (SELECT COUNT(*) FROM points_postings e WHERE e.company_id = d.company_id AND e.source_type = 'expiry' AND e.source_id = CAST(d.id AS TEXT) AND e.kind = 'expire')),
               ?
             FROM ${due} d WHERE d.remaining > 0`

        if (trx.dialect.name === 'postgres') {
          // Row locks on the batch's accounts, in id order (as every ledger write takes them).
          const locked = rawRows(
            await trx.rawQuery(
              // `= ANY(ARRAY(…))` keeps the plan on the primary key (an IN subquery was planned
              // as a hash join over every account); ordered by expiry only, the (status,
              // expires_at) index stops after `batchSize` entries (an id tie-break sorted them all).
              `SELECT id FROM points_accounts WHERE id = ANY(ARRAY(SELECT account_id FROM points_lots WHERE ${dueLots} AND account_id % ? = ? ORDER BY expires_at LIMIT ?)) ORDER BY id FOR UPDATE`,
              [stamp, share.workers, share.worker, batchSize]
            )
          ).map((row) => Number(row.id))
          if (locked.length === 0) return null
          // Read after the lock (a new statement: lots spent or expired meanwhile are seen).
          const [row] = rawRows(
            await trx.rawQuery(
              `WITH due AS (SELECT id, company_id, account_id, remaining FROM points_lots WHERE ${dueLots} AND account_id = ANY(?::bigint[])),
                 ins AS (${postingsFrom('due')} RETURNING id, account_id, amount),
                 totals AS (UPDATE points_accounts a SET balance = a.balance + t.total, lifetime_expired = a.lifetime_expired - t.total, version = a.version + 1, updated_at = ?
                   FROM (SELECT account_id, SUM(amount) AS total FROM ins GROUP BY account_id) t WHERE a.id = t.account_id),
                 lots AS (UPDATE points_lots SET remaining = 0, status = 'expired', updated_at = ? WHERE id IN (SELECT id FROM due))
                 SELECT COUNT(*) AS n FROM ins`,
              [stamp, locked, stamp, stamp, stamp]
            )
          )
          return Number(row.n)
        }

        // SQLite: the first statement is a write, so the database write lock is
        // held before anything is read (the effect of BEGIN IMMEDIATE).
        const locked = rawRows(
          await trx.rawQuery(
            `UPDATE points_accounts SET version = version + 1 WHERE id IN (${firstDue}) RETURNING id`,
            [stamp, batchSize]
          )
        )
        if (locked.length === 0) return null
        // Nothing else writes until commit: the lots below stay as they are, and
        // every posting above the largest id now is this batch's.
        const due = `(SELECT id, company_id, account_id, remaining FROM points_lots WHERE ${dueLots} AND account_id IN (${firstDue}))`
        const [{ base }] = rawRows(
          await trx.rawQuery('SELECT COALESCE(MAX(id), 0) AS base FROM points_postings')
        )
        // Bindings in text order: created_at, then the due-lots filter.
        await trx.rawQuery(postingsFrom(due), [stamp, stamp, stamp, batchSize])
        const batchPostings = `SELECT id, account_id, amount FROM points_postings WHERE id > ?`
        await trx.rawQuery(
          `UPDATE points_accounts SET balance = points_accounts.balance + t.total, lifetime_expired = points_accounts.lifetime_expired - t.total, updated_at = ? FROM (SELECT account_id, SUM(amount) AS total FROM (${batchPostings}) AS p GROUP BY account_id) AS t WHERE points_accounts.id = t.account_id`,
          [stamp, base]
        )
        await trx.rawQuery(
          `UPDATE points_lots SET remaining = 0, status = 'expired', updated_at = ? WHERE id IN (SELECT id FROM ${due})`,
          [stamp, stamp, stamp, batchSize]
        )
        const [{ n }] = rawRows(
          await trx.rawQuery('SELECT COUNT(*) AS n FROM points_postings WHERE id > ?', [base])
        )
        return Number(n)
      })
    )
  }

  /** A staff correction (人工调整): reason required, audit-logged. */
  async adjust(
    ref: MemberRef,
    input: {
      points: number
      reason: string
      idempotencyKey: string
      actor: AuditActor | null
      expiresAt?: DateTime | null
    }
  ): Promise<Posting> {
    if (!Number.isSafeInteger(input.points) || input.points === 0) {
      throw new PointsError('E_POINTS_INVALID', 'invalid_points', { points: input.points })
    }
    const reason = (input.reason ?? '').trim()
    if (!reason) throw new PointsError('E_POINTS_REASON_REQUIRED', 'reason_required')
    return this.run(ref, 'staff_adjustment', input.idempotencyKey, async (trx, account) => {
      if (input.points < 0 && account.balance + input.points < 0 && !account.negativeAllowed) {
        throw new PointsError('E_POINTS_INSUFFICIENT', 'insufficient', {
          available: Math.max(account.balance, 0),
          requested: -input.points,
        })
      }
      const posting = await this.post(trx, account, {
        kind: 'adjust',
        amount: input.points,
        sourceType: 'staff_adjustment',
        idempotencyKey: input.idempotencyKey,
        reason,
        actorId: input.actor?.id ?? null,
      })
      if (input.points > 0) {
        const lotId = await this.createLot(trx, account, posting, input.points, {
          status: 'available',
          availableAt: null,
          expiresAt: input.expiresAt ?? null,
        })
        await this.settleDebt(trx, account, posting.id, lotId, input.points)
      } else {
        await this.consume(trx, account, posting.id, -input.points)
      }
      await this.bump(trx, account, {
        balance: input.points,
        lifetime_earned: Math.max(input.points, 0),
      })
      await AuditLog.record({
        entityType: 'points_account',
        entityId: account.id,
        action: 'loyalty.points.adjust',
        before: { balance: account.balance },
        after: { balance: account.balance + input.points },
        context: {
          memberId: account.memberId,
          postingId: posting.id,
          points: input.points,
          reason,
        },
        actor: input.actor,
        client: trx,
      })
      return posting
    })
  }

  /**
   * Reverses what an order earned because of a refund, in proportion to
   * the refunded amount; one posting per refund however often the refund
   * is delivered. Pending points of the order are cancelled first, then its
   * available points; if they were spent, other lots are taken, and what is
   * still missing follows `policy`.
   */
  async reverseForRefund(
    ref: MemberRef,
    input: {
      orderId: string | number
      refundId: string | number
      refundedFen: number
      orderPaidFen: number
      policy: ShortfallPolicy
    }
  ): Promise<Posting | null> {
    if (!Number.isSafeInteger(input.refundedFen) || input.refundedFen <= 0) {
      throw new PointsError('E_POINTS_INVALID', 'invalid_points', { points: input.refundedFen })
    }
    if (!Number.isSafeInteger(input.orderPaidFen) || input.orderPaidFen <= 0) {
      throw new PointsError('E_POINTS_INVALID', 'invalid_points', { points: input.orderPaidFen })
    }
    const key = `refund:${input.refundId}`
    return this.run(ref, 'refund', key, async (trx, account) => {
      const orderId = String(input.orderId)
      // The earning may sit on another account: a member merged into this one
      // (its lots came here by transfer, keeping the order as their source).
      const earnedRows = await trx
        .from('points_postings')
        .where('company_id', ref.companyId)
        .where('source_type', 'order')
        .where('source_id', orderId)
        .where('kind', 'earn')
        .select('account_id', 'amount', 'pending_amount')
      let earnedPoints = 0
      for (const row of earnedRows) earnedPoints += Number(row.amount) + Number(row.pending_amount)
      const accounts = [
        ...new Set([account.id, ...earnedRows.map((row) => Number(row.account_id))]),
      ]
      const reversedRows = await trx
        .from('points_postings')
        .whereIn('account_id', accounts)
        .where('source_type', 'refund')
        .where('kind', 'reverse')
        .where('reason', `order:${orderId}`)
        .select('amount', 'pending_amount', 'shortfall')
      let alreadyReversed = 0
      for (const row of reversedRows) {
        alreadyReversed += -Number(row.amount) - Number(row.pending_amount) + Number(row.shortfall)
      }
      /** Rounded down: a refund never takes back more than its share. */
      const share = Math.floor(
        (earnedPoints * Math.min(input.refundedFen, input.orderPaidFen)) / input.orderPaidFen
      )
      let toReverse = Math.min(share, earnedPoints - alreadyReversed)
      if (toReverse <= 0) return null

      const orderLots = await trx
        .from('points_lots')
        .where('account_id', account.id)
        .where('source_type', 'order')
        .where('source_id', orderId)
        .whereIn('status', ['pending', 'available'])
        .where('remaining', '>', 0)
        .orderBy('id')
      const takes: Array<{ lotId: number; amount: number; pending: boolean }> = []
      let fromPending = 0
      let fromAvailable = 0
      // Pending points first: they were never usable, cancelling them hurts least.
      for (const lot of [...orderLots].sort(
        (a, b) => Number(a.status !== 'pending') - Number(b.status !== 'pending')
      )) {
        if (toReverse === 0) break
        const take = Math.min(Number(lot.remaining), toReverse)
        takes.push({ lotId: Number(lot.id), amount: take, pending: lot.status === 'pending' })
        if (lot.status === 'pending') fromPending += take
        else fromAvailable += take
        toReverse -= take
      }
      // Then the rest of the available balance, first-expiring-first.
      let fromOthers = 0
      let shortfall = 0
      if (toReverse > 0) {
        const usable = Math.max(account.balance - fromAvailable, 0)
        fromOthers = Math.min(usable, toReverse)
        const missing = toReverse - fromOthers
        if (input.policy === 'allow_negative') {
          fromOthers += missing
        } else {
          shortfall = missing
        }
      }
      const posting = await this.post(trx, account, {
        kind: 'reverse',
        amount: -(fromAvailable + fromOthers),
        pendingAmount: -fromPending,
        shortfall,
        sourceType: 'refund',
        sourceId: String(input.refundId),
        idempotencyKey: key,
        reason: `order:${orderId}`,
      })
      const stamp = toDbTime(this.now())
      for (const take of takes) {
        const lot = orderLots.find((row) => Number(row.id) === take.lotId)
        const left = Number(lot.remaining) - take.amount
        await trx
          .from('points_lots')
          .where('id', take.lotId)
          .update({
            remaining: left,
            status: left === 0 && take.pending ? 'cancelled' : lot.status,
            updated_at: stamp,
          })
        await this.recordConsumption(trx, posting.id, take.lotId, take.amount)
      }
      if (fromOthers > 0) {
        await this.consume(
          trx,
          { ...account, balance: account.balance - fromAvailable },
          posting.id,
          fromOthers
        )
      }
      await this.bump(trx, account, {
        balance: posting.amount,
        pending: posting.pendingAmount,
        lifetime_reversed: fromAvailable + fromOthers + fromPending,
      })
      return posting
    })
  }

  /**
   * Moves a member's points to another member (duplicate members merged):
   * every open lot keeps its status, return window and expiry date on the
   * receiving side. Two postings (`transfer`), one per account, each in its
   * own transaction and keyed by `key`, so a crash in between resumes.
   * A negative balance (debt) is not moved: it stays on the source account.
   */
  async transferAll(from: MemberRef, to: MemberRef, key: string): Promise<number> {
    return this.transferLots(from, to, key, null)
  }

  /**
   * Moves back what is left of the lots one `transfer` posting brought in
   * (`incomingPostingId`; undoing a merge): points spent or expired since
   * stay spent. Keyed like `transferAll`, so a replay moves nothing twice.
   */
  async transferBack(
    from: MemberRef,
    to: MemberRef,
    key: string,
    incomingPostingId: number
  ): Promise<number> {
    return this.transferLots(from, to, key, incomingPostingId)
  }

  /** The open lots of `from` (those `createdBy` brought in, or all) go to `to`. */
  private async transferLots(
    from: MemberRef,
    to: MemberRef,
    key: string,
    createdBy: number | null
  ): Promise<number> {
    const out = await this.run(from, 'transfer', `${key}:out`, async (trx, account) => {
      const lots = await trx
        .from('points_lots')
        .where('account_id', account.id)
        .if(createdBy !== null, (query) => query.where('earn_posting_id', createdBy!))
        .whereIn('status', ['pending', 'available'])
        .where('remaining', '>', 0)
        .orderBy('id')
      const available = lots
        .filter((lot) => lot.status === 'available')
        .reduce((sum, lot) => sum + Number(lot.remaining), 0)
      const pending = lots
        .filter((lot) => lot.status === 'pending')
        .reduce((sum, lot) => sum + Number(lot.remaining), 0)
      const posting = await this.post(trx, account, {
        kind: 'transfer',
        amount: -available,
        pendingAmount: -pending,
        sourceType: 'transfer',
        sourceId: String(to.memberId),
        idempotencyKey: `${key}:out`,
      })
      const stamp = toDbTime(this.now())
      for (const lot of lots) {
        await trx
          .from('points_lots')
          .where('id', lot.id)
          .update({
            remaining: 0,
            status: lot.status === 'pending' ? 'cancelled' : lot.status,
            updated_at: stamp,
          })
        await this.recordConsumption(trx, posting.id, Number(lot.id), Number(lot.remaining))
      }
      await this.bump(trx, account, {
        balance: -available,
        pending: -pending,
        lifetime_earned: -(available + pending),
      })
      return posting
    })
    const moved = -out.amount - out.pendingAmount
    await this.run(to, 'transfer', `${key}:in`, async (trx, account) => {
      const taken = await trx
        .from('points_lot_consumptions')
        .join('points_lots', 'points_lots.id', 'points_lot_consumptions.lot_id')
        .where('points_lot_consumptions.posting_id', out.id)
        .orderBy('points_lots.id')
        .select('points_lots.*', 'points_lot_consumptions.amount as taken')
      const posting = await this.post(trx, account, {
        kind: 'transfer',
        amount: -out.amount,
        pendingAmount: -out.pendingAmount,
        sourceType: 'transfer',
        sourceId: String(from.memberId),
        idempotencyKey: `${key}:in`,
        relatedPostingId: out.id,
      })
      let balance = account.balance
      for (const lot of taken) {
        const points = Number(lot.taken)
        const pending = lot.status === 'cancelled'
        const lotId = await this.createLot(trx, account, posting, points, {
          status: pending ? 'pending' : 'available',
          availableAt: pending && lot.available_at ? toDateTime(lot.available_at) : null,
          expiresAt: lot.expires_at ? toDateTime(lot.expires_at) : null,
        })
        // The lot keeps its origin (order …) so the order's return window still applies to it.
        await trx
          .from('points_lots')
          .where('id', lotId)
          .update({ source_type: lot.source_type, source_id: lot.source_id })
        if (!pending) {
          await this.settleDebt(trx, { ...account, balance }, posting.id, lotId, points)
          balance += points
        }
      }
      await this.bump(trx, account, {
        balance: posting.amount,
        pending: posting.pendingAmount,
        lifetime_earned: posting.amount + posting.pendingAmount,
      })
      return posting
    })
    return moved
  }

  /** Points of the member's lots expiring by `before` (marketing reminders). */
  async expiringBy(ref: MemberRef, before: DateTime): Promise<number> {
    const [row] = await db
      .from('points_lots')
      .join('points_accounts', 'points_accounts.id', 'points_lots.account_id')
      .where('points_accounts.member_id', ref.memberId)
      .where('points_lots.status', 'available')
      .whereNotNull('points_lots.expires_at')
      .where('points_lots.expires_at', '<=', toDbTime(before))
      .sum('points_lots.remaining as n')
    return Number(row.n ?? 0)
  }

  // ---------------------------------------------------------------------

  /**
   * Runs `work` in a transaction holding the account lock, unless the
   * idempotency key was already used: then the first posting is returned.
   */
  private async run<T extends Posting | null>(
    ref: MemberRef,
    sourceType: SourceType,
    idempotencyKey: string,
    work: (trx: TransactionClientContract, account: Account) => Promise<T>
  ): Promise<T | Posting> {
    if (!idempotencyKey || idempotencyKey.length > 120) {
      throw new PointsError('E_POINTS_KEY_INVALID', 'invalid_key')
    }
    const findExisting = async (conn: TransactionClientContract | typeof db) => {
      const row = await conn
        .from('points_postings')
        .where('company_id', ref.companyId)
        .where('source_type', sourceType)
        .where('idempotency_key', idempotencyKey)
        .first()
      return row ? mapPosting(row, false) : null
    }
    try {
      return await this.runLocked(ref, async (trx, account) => {
        const existing = await findExisting(trx)
        if (existing && existing.accountId !== account.id) {
          // The key belongs to another member's posting: a caller bug, never a replay.
          throw new PointsError('E_POINTS_KEY_REUSED', 'key_reused')
        }
        if (existing) return existing
        return work(trx, account)
      })
    } catch (error) {
      // Two writers with the same key on different accounts' locks: the
      // unique index decided; the loser returns the winner's posting.
      if (isUniqueViolation(error)) {
        const existing = await findExisting(db)
        if (existing) return existing
      }
      throw error
    }
  }

  private async runLocked<T>(
    ref: MemberRef,
    work: (trx: TransactionClientContract, account: Account) => Promise<T>
  ): Promise<T> {
    return retrying(() =>
      db.transaction(async (trx) => {
        // The first statement is a write: it takes the lock before anything is
        // read, and RETURNING gives the locked row in the same round trip.
        let row = await lockAccount(trx, ref.memberId)
        if (!row) {
          await this.account(ref, trx)
          row = await lockAccount(trx, ref.memberId)
        }
        return work(trx, mapAccount(row))
      })
    )
  }

  private async post(trx: TransactionClientContract, account: Account, input: PostingInput) {
    const row = {
      company_id: account.companyId,
      account_id: account.id,
      kind: input.kind,
      amount: input.amount,
      pending_amount: input.pendingAmount ?? 0,
      shortfall: input.shortfall ?? 0,
      source_type: input.sourceType,
      source_id:
        input.sourceId === null || input.sourceId === undefined ? null : String(input.sourceId),
      idempotency_key: input.idempotencyKey,
      related_posting_id: input.relatedPostingId ?? null,
      reason: input.reason ?? null,
      actor_id: input.actorId ?? null,
      created_at: toDbTime(this.now()),
    }
    const id = insertedId(await trx.table('points_postings').returning('id').insert(row))
    return mapPosting({ ...row, id }, true)
  }

  private async createLot(
    trx: TransactionClientContract,
    account: Account,
    posting: Posting,
    points: number,
    options: {
      status: 'pending' | 'available'
      availableAt: DateTime | null
      expiresAt: DateTime | null
    }
  ) {
    const stamp = toDbTime(this.now())
    return insertedId(
      await trx
        .table('points_lots')
        .returning('id')
        .insert({
          company_id: account.companyId,
          account_id: account.id,
          earn_posting_id: posting.id,
          source_type: posting.sourceType,
          source_id: posting.sourceId,
          amount: points,
          remaining: points,
          status: options.status,
          available_at: options.availableAt ? toDbTime(options.availableAt) : null,
          expires_at: options.expiresAt ? toDbTime(options.expiresAt) : null,
          created_at: stamp,
          updated_at: stamp,
        })
    )
  }

  /**
   * New available points first pay back a negative balance: the part that
   * does is taken from the new lot at once, so lots always hold exactly
   * max(balance, 0).
   */
  private async settleDebt(
    trx: TransactionClientContract,
    account: Account,
    postingId: number,
    lotId: number,
    points: number
  ) {
    if (account.balance >= 0) return
    const paid = Math.min(-account.balance, points)
    await trx
      .from('points_lots')
      .where('id', lotId)
      .update({ remaining: db.raw('remaining - ?', [paid]) })
    await this.recordConsumption(trx, postingId, lotId, paid)
  }

  private async rebalanceLots(
    trx: TransactionClientContract,
    account: Account,
    posting: Posting,
    newBalance: number
  ) {
    const [row] = await trx
      .from('points_lots')
      .where('account_id', account.id)
      .where('status', 'available')
      .sum('remaining as n')
    const held = Number(row.n ?? 0)
    const target = Math.max(newBalance, 0)
    if (held > target) {
      await this.consume(trx, { ...account, balance: held }, posting.id, held - target)
    } else if (held < target) {
      await this.createLot(trx, account, posting, target - held, {
        status: 'available',
        availableAt: null,
        expiresAt: null,
      })
    }
  }

  /** Takes points from available lots, first-expiring-first (never-expiring last). */
  private async consume(
    trx: TransactionClientContract,
    account: Account,
    postingId: number,
    points: number
  ) {
    let left = Math.min(points, Math.max(account.balance, 0))
    if (left === 0) return
    const lots = await trx
      .from('points_lots')
      .where('account_id', account.id)
      .where('status', 'available')
      .where('remaining', '>', 0)
      .orderByRaw('CASE WHEN expires_at IS NULL THEN 1 ELSE 0 END, expires_at, id')
    const stamp = toDbTime(this.now())
    for (const lot of lots) {
      if (left === 0) break
      const take = Math.min(Number(lot.remaining), left)
      await trx
        .from('points_lots')
        .where('id', lot.id)
        .update({ remaining: Number(lot.remaining) - take, updated_at: stamp })
      await this.recordConsumption(trx, postingId, Number(lot.id), take)
      left -= take
    }
    if (left !== 0) throw new Error(`Points lots of account ${account.id} do not match its balance`)
  }

  private async recordConsumption(
    trx: TransactionClientContract,
    postingId: number,
    lotId: number,
    amount: number
  ) {
    await trx.table('points_lot_consumptions').insert({
      posting_id: postingId,
      lot_id: lotId,
      amount,
      created_at: toDbTime(this.now()),
    })
  }

  private async bump(
    trx: TransactionClientContract,
    account: Account,
    deltas: Partial<
      Record<
        | 'balance'
        | 'pending'
        | 'lifetime_earned'
        | 'lifetime_redeemed'
        | 'lifetime_expired'
        | 'lifetime_reversed',
        number
      >
    >
  ) {
    const update: Record<string, unknown> = { updated_at: toDbTime(this.now()) }
    for (const [column, delta] of Object.entries(deltas)) {
      if (delta) update[column] = db.raw(`${column} + ?`, [delta])
    }
    await trx.from('points_accounts').where('id', account.id).update(update)
  }
}
