import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import { PointsLedger, type EarnEntry } from '#app/loyalty/services/points_ledger'
import {
  BONUS_KINDS,
  EarningRules,
  type BonusKind,
  type EarningRule,
} from '#app/loyalty/services/earning_rules'
import { expiryFor, loyaltySettings } from '#app/loyalty/services/loyalty_settings'
import logger from '@adonisjs/core/services/logger'
import { fromDbTime } from '#app/shared/kernel/db_values'

export type BonusCounts = Record<BonusKind, number>

const ALL_KINDS: readonly BonusKind[] = BONUS_KINDS

/** Narrows a query to the members asked about (or not at all). */
type Narrow = <Query>(query: Query, memberIdColumn: string) => Query

/** What a new member or a changed profile can make due (first order comes from the accrual path). */
export const MEMBER_BONUSES: readonly BonusKind[] = ['signup', 'birthday', 'profile']

/** The idempotency key of a bonus: once per member (birthday: once per member and year). */
export function bonusKey(kind: BonusKind, memberId: number, year?: number) {
  return kind === 'birthday' ? `bonus:birthday:${memberId}:${year}` : `bonus:${kind}:${memberId}`
}

/**
 * 奖励积分: the rule bonuses, each posted once per member as a `rule` posting
 * (source id: the rule version that granted it) with its own idempotency key,
 * available at once and expiring by the expiry policy; outside the order caps.
 * - signup: by the version in force when the member registered (registered
 *   at, else created at) — members who joined before any rule get none;
 * - first order: when the member's first earning order has passed its return
 *   window (its points became available), by the version that order earned by;
 * - birthday month: once a year, in the month of the member's birthday
 *   (company zone), by the version in force now;
 * - completed profile: name, gender, birthday, phone, province and city all
 *   filled, by the version in force now.
 * Granted at once where the bonus becomes due — `forMembers` after a member
 * is created or their profile changes (ResolveMember, UpdateMemberProfile,
 * the imports), first order from the accrual path when the order's points
 * become available — and by the daily job (`loyalty.bonuses`) as the
 * catch-up. Both post with the same idempotency key, so nothing is posted twice.
 */
export class GrantBonuses {
  private ledger: PointsLedger

  constructor(private now: () => DateTime = () => DateTime.utc()) {
    this.ledger = new PointsLedger(now)
  }

  /**
   * The bonuses now due to these members (all kinds unless `kinds` says),
   * called right after the write that made them due has committed. Never
   * fails the caller: a failure is logged and the daily job catches up.
   */
  async forMembers(
    companyId: number,
    memberIds: Iterable<number>,
    kinds: readonly BonusKind[] = ALL_KINDS
  ): Promise<BonusCounts | null> {
    const ids = [...new Set(memberIds)].filter((id) => Number.isSafeInteger(id) && id > 0)
    if (ids.length === 0) return null
    try {
      return await this.run(companyId, { memberIds: ids, kinds })
    } catch (error) {
      logger.warn(
        { err: error, companyId },
        'loyalty: immediate bonuses failed, the daily job retries'
      )
      return null
    }
  }

  /**
   * Every bonus due in the company — or only to `memberIds` and of `kinds`
   * (the immediate grants): the same queries with the members narrowed.
   */
  async run(
    companyId: number,
    options: { batchSize?: number; memberIds?: number[]; kinds?: readonly BonusKind[] } = {}
  ): Promise<BonusCounts> {
    const batchSize = options.batchSize ?? 500
    const counts: BonusCounts = { signup: 0, first_order: 0, birthday: 0, profile: 0 }
    const versions = await new EarningRules().versions(companyId)
    if (versions.length === 0) return counts
    const kinds = new Set(options.kinds ?? ALL_KINDS)
    if (options.memberIds) {
      for (let i = 0; i < options.memberIds.length; i += 500) {
        const part = options.memberIds.slice(i, i + 500)
        const narrow: Narrow = (query, column) => (query as any).whereIn(column, part)
        await this.grant(companyId, versions, counts, kinds, batchSize, narrow, true)
      }
      return counts
    }
    await this.grant(companyId, versions, counts, kinds, batchSize, (query) => query, false)
    return counts
  }

  private async grant(
    companyId: number,
    versions: EarningRule[],
    counts: BonusCounts,
    kinds: Set<BonusKind>,
    batchSize: number,
    scope: Narrow,
    narrowed: boolean
  ) {
    const now = this.now()
    const ruleAt = (at: DateTime) =>
      versions
        .filter((rule) => rule.effectiveFrom <= at)
        .sort(
          (a, b) => b.effectiveFrom.toMillis() - a.effectiveFrom.toMillis() || b.version - a.version
        )[0] ?? null
    const current = ruleAt(now)
    const settings = await loyaltySettings(companyId)
    const company = await db.from('companies').where('id', companyId).select('timezone').first()
    const zone = company?.timezone || 'Asia/Shanghai'
    const expiresAt = expiryFor(settings, now, zone)
    const post = async (
      kind: BonusKind,
      grants: Array<{ memberId: number; rule: EarningRule; points: number; note?: string }>,
      year?: number
    ) => {
      const entries: EarnEntry[] = grants
        .filter((grant) => grant.points > 0)
        .map((grant) => ({
          ref: { companyId, memberId: grant.memberId },
          points: grant.points,
          sourceType: 'rule',
          sourceId: grant.rule.id,
          idempotencyKey: bonusKey(kind, grant.memberId, year),
          expiresAt,
          reason: `bonus:${kind} rule:v${grant.rule.version}${grant.note ? ' ' + grant.note : ''}`,
        }))
      if (entries.length === 0) return
      const postings = await this.ledger.earnMany(entries)
      counts[kind] += postings.filter((posting) => posting.created).length
    }
    const members = () =>
      scope(db.from('members'), 'members.id')
        .where((query) =>
          // Narrowed to a few hundred ids, the primary key is the way in. The unary plus keeps
          // SQLite's planner, which has no statistics, from walking all the company's members
          // by (company_id, …) instead: 20 ms → 1 ms per 500 ids at 80k members, and the walk
          // grows with the table. (PostgreSQL takes the primary key either way.)
          narrowed
            ? query.whereRaw('+members.company_id = ?', [companyId])
            : query.where('members.company_id', companyId)
        )
        .whereNull('members.merged_into_id')
        .whereNull('members.erased_at')
    const notGranted = (kind: BonusKind, year?: number) => (q: any) =>
      q
        .from('points_postings')
        .where('points_postings.company_id', companyId)
        .where('points_postings.source_type', 'rule')
        .whereRaw(
          kind === 'birthday'
            ? `points_postings.idempotency_key = 'bonus:birthday:' || members.id || ':' || ?`
            : `points_postings.idempotency_key = 'bonus:${kind}:' || members.id`,
          kind === 'birthday' ? [String(year)] : []
        )
        .select(db.raw('1'))

    // Signup: by the version in force when the member registered.
    if (kinds.has('signup') && versions.some((rule) => rule.bonuses!.signup > 0)) {
      for (let after = 0; ;) {
        const rows = await members()
          .where('members.id', '>', after)
          .whereNotExists(notGranted('signup'))
          .orderBy('members.id')
          .limit(batchSize)
          .select('members.id', 'members.registered_at', 'members.created_at')
        if (rows.length === 0) break
        after = Number(rows[rows.length - 1].id)
        const grants = []
        for (const row of rows) {
          const rule = ruleAt(fromDbTime(row.registered_at) ?? fromDbTime(row.created_at)!)
          if (rule) grants.push({ memberId: Number(row.id), rule, points: rule.bonuses!.signup })
        }
        await post('signup', grants)
      }
    }

    // Completed profile, by the version in force now.
    if (kinds.has('profile') && current && current.bonuses!.profile > 0) {
      for (let after = 0; ;) {
        const rows = await members()
          .where('members.id', '>', after)
          .whereNotNull('members.name')
          .whereNot('members.name', '')
          .whereNot('members.gender', 'unknown')
          .whereNotNull('members.birthday')
          .whereNotNull('members.phone_hash')
          .whereNotNull('members.province')
          .whereNotNull('members.city')
          .whereNotExists(notGranted('profile'))
          .orderBy('members.id')
          .limit(batchSize)
          .select('members.id')
        if (rows.length === 0) break
        after = Number(rows[rows.length - 1].id)
        await post(
          'profile',
          rows.map((row) => ({
            memberId: Number(row.id),
            rule: current,
            points: current.bonuses!.profile,
          }))
        )
      }
    }

    // Birthday month, once a year, by the version in force now.
    if (kinds.has('birthday') && current && current.bonuses!.birthday > 0) {
      const local = now.setZone(zone)
      const monthSql =
        db.connection().dialect.name === 'postgres'
          ? 'EXTRACT(MONTH FROM members.birthday) = ?'
          : "CAST(strftime('%m', members.birthday) AS INTEGER) = ?"
      for (let after = 0; ;) {
        const rows = await members()
          .where('members.id', '>', after)
          .whereNotNull('members.birthday')
          .whereRaw(monthSql, [local.month])
          .whereNotExists(notGranted('birthday', local.year))
          .orderBy('members.id')
          .limit(batchSize)
          .select('members.id')
        if (rows.length === 0) break
        after = Number(rows[rows.length - 1].id)
        await post(
          'birthday',
          rows.map((row) => ({
            memberId: Number(row.id),
            rule: current,
            points: current.bonuses!.birthday,
          })),
          local.year
        )
      }
    }

    // First order: the member's first earning order whose points became available.
    const byId = new Map(versions.map((rule) => [rule.id, rule]))
    if (kinds.has('first_order') && versions.some((rule) => rule.bonuses!.firstOrder > 0)) {
      for (let after = 0; ;) {
        const rows = await scope(
          db.from('loyalty_order_accruals'),
          'loyalty_order_accruals.member_id'
        )
          .join('members', 'members.id', 'loyalty_order_accruals.member_id')
          .join('orders', 'orders.id', 'loyalty_order_accruals.order_id')
          .join('points_lots', 'points_lots.earn_posting_id', 'loyalty_order_accruals.posting_id')
          .where('loyalty_order_accruals.company_id', companyId)
          .where('loyalty_order_accruals.member_id', '>', after)
          .where('loyalty_order_accruals.points', '>', 0)
          .whereIn('points_lots.status', ['available', 'expired'])
          .whereNull('members.merged_into_id')
          .whereNotExists(notGranted('first_order'))
          .orderBy('loyalty_order_accruals.member_id')
          .orderBy('orders.paid_at')
          .orderBy('orders.id')
          .limit(batchSize)
          .select(
            'loyalty_order_accruals.member_id',
            'loyalty_order_accruals.order_id',
            'loyalty_order_accruals.rule_id'
          )
        if (rows.length === 0) break
        // A page may end inside a member's orders: that member is read again next page.
        const last = Number(rows[rows.length - 1].member_id)
        const complete =
          rows.length < batchSize ? rows : rows.filter((r) => Number(r.member_id) !== last)
        const page = complete.length > 0 ? complete : rows
        after = Number(page[page.length - 1].member_id)
        const grants = []
        const seen = new Set<number>()
        for (const row of page) {
          const memberId = Number(row.member_id)
          if (seen.has(memberId)) continue
          seen.add(memberId)
          const rule = row.rule_id === null ? null : byId.get(Number(row.rule_id))
          if (rule) {
            grants.push({
              memberId,
              rule,
              points: rule.bonuses!.firstOrder,
              note: `order:${row.order_id}`,
            })
          }
        }
        await post('first_order', grants)
      }
    }
  }
}
