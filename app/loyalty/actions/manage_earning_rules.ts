import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import { AuditLog, type AuditActor } from '#app/shared/audit/audit_log'
import { DomainError } from '#app/shared/errors/domain_error'
import type { ItemRule, RuleBonuses } from '#app/loyalty/services/earning_rules'
import { fromDbTime, toDbTime } from '#app/shared/kernel/db_values'

export interface RuleVersionInput {
  pointsPerYuan: number
  includeShipping: boolean
  perOrderCap: number | null
  perMemberDailyCap?: number | null
  /** Points one member may earn from orders in all (every version's orders count). */
  perMemberTotalCap?: number | null
  /** Defaults to now; never in the past (orders already paid keep their rule). */
  effectiveFrom?: DateTime | null
  note?: string | null
  /** Tier id → percent (1–10000; 100 = ×1). */
  tierMultipliers?: Record<string, number>
  /** SKU / category / shop multipliers; percent 0 excludes. */
  itemRules?: ItemRule[]
  bonuses?: Partial<RuleBonuses>
}

export interface PromotionInput {
  name: string
  multiplierPercent: number
  startsAt: DateTime
  endsAt: DateTime
  /** Extra points the promotion may add in total; null: unlimited. */
  budgetPoints?: number | null
}

const invalid = (detail: string) =>
  new DomainError('E_RULE_INVALID', 'loyalty.errors.rule_invalid', 422, { detail })

function isWhole(value: unknown, min: number, max: number): value is number {
  return Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max
}

function insertedId(rows: any[]): number {
  const row = rows[0]
  return Number(typeof row === 'object' ? row.id : row)
}

/**
 * Earning rules are versioned: publishing writes a new version row, the old
 * ones stay so an order is always evaluated by the version in force when it
 * was paid. Promotions are time-boxed and may not overlap.
 */
export class ManageEarningRules {
  constructor(private now: () => DateTime = () => DateTime.utc()) {}

  async publishVersion(companyId: number, input: RuleVersionInput, actor: AuditActor | null) {
    const now = this.now()
    const effectiveFrom = input.effectiveFrom ?? now
    if (effectiveFrom < now.minus({ minutes: 1 })) {
      throw new DomainError('E_RULE_IN_PAST', 'loyalty.errors.rule_in_past', 422)
    }
    if (!Number.isSafeInteger(input.pointsPerYuan) || input.pointsPerYuan < 0) {
      throw new DomainError('E_RULE_INVALID', 'loyalty.errors.rule_invalid', 422)
    }
    if (
      input.perOrderCap !== null &&
      (!Number.isSafeInteger(input.perOrderCap) || input.perOrderCap <= 0)
    ) {
      throw new DomainError('E_RULE_INVALID', 'loyalty.errors.rule_invalid', 422)
    }
    for (const cap of [input.perMemberDailyCap ?? null, input.perMemberTotalCap ?? null]) {
      if (cap !== null && (!Number.isSafeInteger(cap) || cap <= 0)) {
        throw new DomainError('E_RULE_INVALID', 'loyalty.errors.rule_invalid', 422)
      }
    }
    const tierMultipliers = input.tierMultipliers ?? {}
    const itemRules = input.itemRules ?? []
    const bonuses = {
      signup: input.bonuses?.signup ?? 0,
      firstOrder: input.bonuses?.firstOrder ?? 0,
      birthday: input.bonuses?.birthday ?? 0,
      profile: input.bonuses?.profile ?? 0,
    }
    for (const value of Object.values(bonuses)) {
      if (!isWhole(value, 0, 100_000_000)) throw invalid('bonus')
    }
    for (const value of Object.values(tierMultipliers)) {
      if (!isWhole(value, 1, 10_000)) throw invalid('tier_multiplier')
    }
    const seen = new Set<string>()
    for (const rule of itemRules) {
      const match = String(rule.match ?? '').trim()
      if (
        !['sku', 'category', 'shop'].includes(rule.scope) ||
        !match ||
        match.length > 80 ||
        !isWhole(rule.percent, 0, 10_000)
      ) {
        throw invalid('item_rule')
      }
      if (seen.has(`${rule.scope}:${match}`)) throw invalid('item_rule_duplicate')
      seen.add(`${rule.scope}:${match}`)
    }
    const tierIds = Object.keys(tierMultipliers).map(Number)
    if (tierIds.length > 0) {
      const found = await db
        .from('loyalty_tiers')
        .where('company_id', companyId)
        .whereIn('id', tierIds)
        .count('* as n')
      if (Number(found[0].n) !== tierIds.length) throw invalid('tier_unknown')
    }
    const shopIds = itemRules.filter((r) => r.scope === 'shop').map((r) => Number(r.match))
    if (shopIds.length > 0) {
      if (shopIds.some((shopId) => !Number.isSafeInteger(shopId))) throw invalid('shop_unknown')
      const found = await db
        .from('shops')
        .where('company_id', companyId)
        .whereIn('id', shopIds)
        .count('* as n')
      if (Number(found[0].n) !== shopIds.length) throw invalid('shop_unknown')
    }
    const cleanItems = itemRules.map((rule) => ({
      scope: rule.scope,
      match: String(rule.match).trim(),
      percent: rule.percent,
    }))
    return db.transaction(async (trx) => {
      const [{ v }] = await trx
        .from('loyalty_earning_rules')
        .where('company_id', companyId)
        .max('version as v')
      const version = Number(v ?? 0) + 1
      const rows = await trx
        .table('loyalty_earning_rules')
        .returning('id')
        .insert({
          company_id: companyId,
          version,
          points_per_yuan: input.pointsPerYuan,
          include_shipping: input.includeShipping,
          per_order_cap: input.perOrderCap,
          per_member_daily_cap: input.perMemberDailyCap ?? null,
          per_member_total_cap: input.perMemberTotalCap ?? null,
          tier_multipliers: tierIds.length > 0 ? JSON.stringify(tierMultipliers) : null,
          item_rules: cleanItems.length > 0 ? JSON.stringify(cleanItems) : null,
          signup_bonus: bonuses.signup,
          first_order_bonus: bonuses.firstOrder,
          birthday_bonus: bonuses.birthday,
          profile_bonus: bonuses.profile,
          effective_from: toDbTime(effectiveFrom),
          note: input.note?.trim() || null,
          created_by_id: actor?.id ?? null,
          created_at: toDbTime(now),
        })
      const id = insertedId(rows)
      await AuditLog.record({
        entityType: 'loyalty_earning_rule',
        entityId: id,
        action: 'loyalty.rule.publish',
        after: {
          version,
          pointsPerYuan: input.pointsPerYuan,
          includeShipping: input.includeShipping,
          perOrderCap: input.perOrderCap,
          perMemberDailyCap: input.perMemberDailyCap ?? null,
          perMemberTotalCap: input.perMemberTotalCap ?? null,
          tierMultipliers,
          itemRules: cleanItems,
          bonuses,
          effectiveFrom: effectiveFrom.toISO(),
        },
        actor,
        client: trx,
      })
      return { id, version }
    })
  }

  async createPromotion(companyId: number, input: PromotionInput, actor: AuditActor | null) {
    const name = input.name.trim()
    if (!name || !Number.isSafeInteger(input.multiplierPercent) || input.multiplierPercent <= 100) {
      throw new DomainError('E_PROMOTION_INVALID', 'loyalty.errors.promotion_invalid', 422)
    }
    const budget = input.budgetPoints ?? null
    if (budget !== null && !isWhole(budget, 1, 1_000_000_000)) {
      throw new DomainError('E_PROMOTION_INVALID', 'loyalty.errors.promotion_invalid', 422)
    }
    if (input.endsAt <= input.startsAt) {
      throw new DomainError('E_PROMOTION_WINDOW', 'loyalty.errors.promotion_window', 422)
    }
    return db.transaction(async (trx) => {
      // Serialise writers on PostgreSQL so two overlapping saves cannot both pass the check.
      if (trx.dialect.name === 'postgres') {
        await trx.rawQuery('SELECT pg_advisory_xact_lock(?)', [530_000 + companyId])
      }
      const clash = await trx
        .from('loyalty_promotions')
        .where('company_id', companyId)
        .whereNull('cancelled_at')
        .where('starts_at', '<', toDbTime(input.endsAt))
        .where('ends_at', '>', toDbTime(input.startsAt))
        .first()
      if (clash) {
        throw new DomainError('E_PROMOTION_OVERLAP', 'loyalty.errors.promotion_overlap', 422, {
          name: clash.name,
        })
      }
      const rows = await trx
        .table('loyalty_promotions')
        .returning('id')
        .insert({
          company_id: companyId,
          name,
          multiplier_percent: input.multiplierPercent,
          starts_at: toDbTime(input.startsAt),
          ends_at: toDbTime(input.endsAt),
          budget_points: budget,
          created_by_id: actor?.id ?? null,
          created_at: toDbTime(this.now()),
        })
      const id = insertedId(rows)
      await AuditLog.record({
        entityType: 'loyalty_promotion',
        entityId: id,
        action: 'loyalty.promotion.create',
        after: {
          name,
          multiplierPercent: input.multiplierPercent,
          startsAt: input.startsAt.toISO(),
          endsAt: input.endsAt.toISO(),
          budgetPoints: budget,
        },
        actor,
        client: trx,
      })
      return id
    })
  }

  /** Only a promotion that has not started can be cancelled: paid orders keep what they were promised. */
  async cancelPromotion(companyId: number, id: number, actor: AuditActor | null) {
    return db.transaction(async (trx) => {
      const row = await trx
        .from('loyalty_promotions')
        .where({ id, company_id: companyId })
        .whereNull('cancelled_at')
        .first()
      if (!row) throw new DomainError('E_NOT_FOUND', 'loyalty.errors.not_found', 404)
      if (this.now() >= fromDbTime(row.starts_at)!) {
        throw new DomainError('E_PROMOTION_STARTED', 'loyalty.errors.promotion_started', 422)
      }
      await trx
        .from('loyalty_promotions')
        .where('id', id)
        .update({ cancelled_at: toDbTime(this.now()) })
      await AuditLog.record({
        entityType: 'loyalty_promotion',
        entityId: id,
        action: 'loyalty.promotion.cancel',
        actor,
        client: trx,
      })
    })
  }
}
