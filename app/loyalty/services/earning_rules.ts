import db from '@adonisjs/lucid/services/db'
import type { DateTime } from 'luxon'
import { fromDb, toDb } from '#app/loyalty/services/db_time'

/** 积分规则: one version of the base earning rule. */
export interface EarningRule {
  id: number
  version: number
  pointsPerYuan: number
  includeShipping: boolean
  perOrderCap: number | null
  /** Points one member may earn from orders paid on one day (company zone); null: no cap. */
  perMemberDailyCap: number | null
  effectiveFrom: DateTime
  note: string | null
}

/** 会员日等促销: a time-boxed multiplier. */
export interface Promotion {
  id: number
  name: string
  multiplierPercent: number
  startsAt: DateTime
  endsAt: DateTime
  cancelledAt: DateTime | null
}

export interface OrderForEarning {
  paidFen: number
  shippingFen: number
}

export type EarningStepName = 'eligible' | 'base' | 'promotion' | 'cap' | 'daily_cap'

export interface EarningStep {
  step: EarningStepName
  /** Fen for `eligible`, points for the others. */
  value: number
  applied: boolean
}

export interface Earning {
  points: number
  eligibleFen: number
  ruleId: number | null
  ruleVersion: number | null
  promotionId: number | null
  steps: EarningStep[]
}

/**
 * The evaluation order, explicit (and shown on the rules page):
 * 1. eligible amount = paid − shipping (unless the rule includes shipping), never below 0;
 * 2. base points = floor(eligible fen × points per ¥ / 100);
 * 3. promotion: floor(base × multiplier % / 100), when a promotion covers the paid time;
 * 4. per-order cap: min(points, cap);
 * 5. per-member daily cap: what is left of it after the member's other orders paid that day
 *    (only with a member: the preview shows it as not applied).
 * Integer arithmetic only; every rounding is a floor.
 */
export function evaluateEarning(
  rule: EarningRule | null,
  promotion: Promotion | null,
  order: OrderForEarning,
  /** Points the member already earned from other orders paid the same day; undefined: no member. */
  earnedToday?: number
): Earning {
  if (!rule) {
    return {
      points: 0,
      eligibleFen: 0,
      ruleId: null,
      ruleVersion: null,
      promotionId: null,
      steps: [],
    }
  }
  const eligibleFen = Math.max(
    rule.includeShipping ? order.paidFen : order.paidFen - order.shippingFen,
    0
  )
  const base = Math.floor((eligibleFen * rule.pointsPerYuan) / 100)
  const promoted = promotion ? Math.floor((base * promotion.multiplierPercent) / 100) : base
  const capped = rule.perOrderCap !== null ? Math.min(promoted, rule.perOrderCap) : promoted
  const dailyApplies = rule.perMemberDailyCap !== null && earnedToday !== undefined
  const daily = dailyApplies
    ? Math.min(capped, Math.max(rule.perMemberDailyCap! - earnedToday!, 0))
    : capped
  return {
    points: daily,
    eligibleFen,
    ruleId: rule.id,
    ruleVersion: rule.version,
    promotionId: promotion?.id ?? null,
    steps: [
      { step: 'eligible', value: eligibleFen, applied: true },
      { step: 'base', value: base, applied: true },
      { step: 'promotion', value: promoted, applied: !!promotion },
      { step: 'cap', value: capped, applied: rule.perOrderCap !== null && capped < promoted },
      { step: 'daily_cap', value: daily, applied: dailyApplies && daily < capped },
    ],
  }
}

function mapRule(row: any): EarningRule {
  return {
    id: Number(row.id),
    version: Number(row.version),
    pointsPerYuan: Number(row.points_per_yuan),
    includeShipping: Boolean(row.include_shipping),
    perOrderCap: row.per_order_cap === null ? null : Number(row.per_order_cap),
    perMemberDailyCap:
      row.per_member_daily_cap === null || row.per_member_daily_cap === undefined
        ? null
        : Number(row.per_member_daily_cap),
    effectiveFrom: fromDb(row.effective_from)!,
    note: row.note,
  }
}

function mapPromotion(row: any): Promotion {
  return {
    id: Number(row.id),
    name: row.name,
    multiplierPercent: Number(row.multiplier_percent),
    startsAt: fromDb(row.starts_at)!,
    endsAt: fromDb(row.ends_at)!,
    cancelledAt: fromDb(row.cancelled_at),
  }
}

export class EarningRules {
  /** The rule version in force at `at` (the latest whose effective_from ≤ at). */
  async ruleAt(companyId: number, at: DateTime): Promise<EarningRule | null> {
    const row = await db
      .from('loyalty_earning_rules')
      .where('company_id', companyId)
      .where('effective_from', '<=', toDb(at))
      .orderBy('effective_from', 'desc')
      .orderBy('version', 'desc')
      .first()
    return row ? mapRule(row) : null
  }

  /** The active promotion covering `at` (windows never overlap). */
  async promotionAt(companyId: number, at: DateTime): Promise<Promotion | null> {
    const row = await db
      .from('loyalty_promotions')
      .where('company_id', companyId)
      .whereNull('cancelled_at')
      .where('starts_at', '<=', toDb(at))
      .where('ends_at', '>', toDb(at))
      .orderBy('id')
      .first()
    return row ? mapPromotion(row) : null
  }

  /** What an order paid at `paidAt` earns (used by the accrual job and the preview). */
  async evaluate(
    companyId: number,
    order: OrderForEarning & { paidAt: DateTime },
    earnedToday?: number
  ) {
    const [rule, promotion] = await Promise.all([
      this.ruleAt(companyId, order.paidAt),
      this.promotionAt(companyId, order.paidAt),
    ])
    return { rule, promotion, earning: evaluateEarning(rule, promotion, order, earnedToday) }
  }

  async versions(companyId: number): Promise<EarningRule[]> {
    const rows = await db
      .from('loyalty_earning_rules')
      .where('company_id', companyId)
      .orderBy('version', 'desc')
    return rows.map(mapRule)
  }

  async promotions(companyId: number): Promise<Promotion[]> {
    const rows = await db
      .from('loyalty_promotions')
      .where('company_id', companyId)
      .orderBy('starts_at', 'desc')
      .limit(100)
    return rows.map(mapPromotion)
  }
}
