import db from '@adonisjs/lucid/services/db'
import type { DateTime } from 'luxon'
import { fromDbTime, toDbTime } from '#app/shared/kernel/db_values'

/** A SKU / category / shop multiplier or exclusion (percent 0 = excluded). */
export interface ItemRule {
  scope: 'sku' | 'category' | 'shop'
  /** SKU code, category name, or shop id (as text). */
  match: string
  percent: number
}

export const ITEM_RULE_SCOPES = ['sku', 'category', 'shop'] as const

export interface RuleBonuses {
  /** Once per member, by the version in force when the member registered. */
  signup: number
  /** Once per member, when their first earning order is past its return window. */
  firstOrder: number
  /** Once a year, in the member's birthday month (company zone). */
  birthday: number
  /** Once per member, when the profile is complete. */
  profile: number
}

export const BONUS_KINDS = ['signup', 'first_order', 'birthday', 'profile'] as const
export type BonusKind = (typeof BONUS_KINDS)[number]

/** 积分规则: one version of the earning rule (never edited: a change is a new version). */
export interface EarningRule {
  id: number
  version: number
  pointsPerYuan: number
  includeShipping: boolean
  perOrderCap: number | null
  /** Points one member may earn from orders paid on one day (company zone); null: no cap. */
  perMemberDailyCap: number | null
  /**
   * Points one member may earn from orders in all (每人累计上限), counting the
   * orders of every rule version; null: no cap. Refunds give no room back.
   */
  perMemberTotalCap?: number | null
  effectiveFrom: DateTime
  note: string | null
  /** Tier id → percent (150 = ×1.5); tiers not listed earn ×1. */
  tierMultipliers?: Record<string, number>
  itemRules?: ItemRule[]
  bonuses?: RuleBonuses
}

/** 会员日等促销: a time-boxed multiplier, optionally with a points budget. */
export interface Promotion {
  id: number
  name: string
  multiplierPercent: number
  startsAt: DateTime
  endsAt: DateTime
  cancelledAt: DateTime | null
  /** Extra points the promotion may add in total; null: unlimited. */
  budgetPoints?: number | null
  budgetSpent?: number
}

/** One order line: what the buyer paid for it and what it is. */
export interface OrderLine {
  skuCode: string | null
  category: string | null
  paidFen: number
}

export interface OrderForEarning {
  paidFen: number
  shippingFen: number
  shopId?: number | null
  /** The order's lines; used when the rule has SKU or category rules. */
  lines?: OrderLine[]
}

export type EarningStepName =
  | 'eligible'
  | 'base'
  | 'items'
  | 'tier'
  | 'promotion'
  | 'cap'
  | 'daily_cap'
  | 'member_cap'
  | 'budget'

export const EARNING_STEPS: EarningStepName[] = [
  'eligible',
  'base',
  'items',
  'tier',
  'promotion',
  'cap',
  'daily_cap',
  'member_cap',
  'budget',
]

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
  /** The part of `points` the promotion added (what its budget pays for). */
  promotionPoints: number
  /** The tier whose multiplier applied (null: none or no member). */
  tierId: number | null
  steps: EarningStep[]
}

export interface EarningContext {
  /** The member's tier when the order is evaluated; undefined: no member (preview). */
  tierId?: number | null
  /** What is left of the promotion's budget; undefined or null: unlimited. */
  budgetLeft?: number | null
  /** Points the member already earned from other orders, in all; undefined: no member. */
  earnedInTotal?: number
}

/** A line's percent: an exclusion at any level wins, else the most specific multiplier (SKU, category, shop). */
export function linePercent(
  rules: ItemRule[],
  line: { skuCode: string | null; category: string | null },
  shopId: number | null | undefined
): number {
  const find = (scope: ItemRule['scope'], value: string | null | undefined) =>
    value === null || value === undefined || value === ''
      ? undefined
      : rules.find((rule) => rule.scope === scope && rule.match === value)
  const matches = [
    find('sku', line.skuCode),
    find('category', line.category),
    find('shop', shopId === null || shopId === undefined ? null : String(shopId)),
  ].filter((rule): rule is ItemRule => rule !== undefined)
  if (matches.some((rule) => rule.percent === 0)) return 0
  return matches[0]?.percent ?? 100
}

/**
 * The evaluation order, explicit (and shown on the rules page and in every preview):
 * 1. eligible amount: paid − shipping (unless the rule includes shipping), never below 0;
 *    with SKU/category rules, the order's lines, lines excluded by a rule left out;
 * 2. base points = floor(eligible fen × points per ¥ / 100);
 * 3. SKU / category / shop multipliers: floor(Σ line fen × line % × points per ¥ / 10000)
 *    (an exclusion at any level wins; else the most specific multiplier);
 * 4. tier multiplier: floor(points × tier % / 100) for the member's tier;
 * 5. promotion: floor(points × multiplier % / 100), when a promotion covers the paid time;
 * 6. per-order cap: min(points, cap);
 * 7. per-member daily cap: what is left of it after the member's other orders paid that day;
 * 8. per-member total cap: what is left of it after everything the member earned from
 *    other orders;
 * 9. promotion budget: the points the promotion added (the result of 1–8 minus the same
 *    without the promotion) are paid from its budget; when it is spent they are not added.
 * Bonuses (signup, first order, birthday month, completed profile) are separate postings,
 * outside the caps. Integer arithmetic only; every rounding is a floor. Steps 4, 7, 8 and 9
 * need a member: the preview shows them as not applied unless a tier is chosen.
 */
export function evaluateEarning(
  rule: EarningRule | null,
  promotion: Promotion | null,
  order: OrderForEarning,
  /** Points the member already earned from other orders paid the same day; undefined: no member. */
  earnedToday?: number,
  context: EarningContext = {}
): Earning {
  if (!rule) {
    return {
      points: 0,
      eligibleFen: 0,
      ruleId: null,
      ruleVersion: null,
      promotionId: null,
      promotionPoints: 0,
      tierId: null,
      steps: [],
    }
  }
  const itemRules = rule.itemRules ?? []
  const byLine = itemRules.some((r) => r.scope !== 'shop') && (order.lines?.length ?? 0) > 0
  const goodsFen = Math.max(order.paidFen - order.shippingFen, 0)
  const lines: Array<{ fen: number; percent: number }> = byLine
    ? order.lines!.map((line) => ({
        fen: Math.max(line.paidFen, 0),
        percent: linePercent(itemRules, line, order.shopId),
      }))
    : [
        {
          fen: goodsFen,
          percent: linePercent(itemRules, { skuCode: null, category: null }, order.shopId),
        },
      ]
  if (rule.includeShipping && order.shippingFen > 0) {
    lines.push({
      fen: order.shippingFen,
      percent: linePercent(itemRules, { skuCode: null, category: null }, order.shopId),
    })
  }
  const eligibleFen = lines.reduce((sum, line) => sum + (line.percent > 0 ? line.fen : 0), 0)
  const base = Math.floor((eligibleFen * rule.pointsPerYuan) / 100)
  const weighted = lines.reduce((sum, line) => sum + line.fen * line.percent, 0)
  const items = Math.floor((weighted * rule.pointsPerYuan) / 10_000)
  const itemsApplied = lines.some((line) => line.percent !== 100 && line.percent !== 0)

  const tierPercent =
    context.tierId !== undefined && context.tierId !== null
      ? (rule.tierMultipliers?.[String(context.tierId)] ?? 100)
      : 100
  const tiered = Math.floor((items * tierPercent) / 100)
  const promoted = promotion ? Math.floor((tiered * promotion.multiplierPercent) / 100) : tiered
  const cap = (points: number) =>
    rule.perOrderCap !== null ? Math.min(points, rule.perOrderCap) : points
  const dailyApplies = rule.perMemberDailyCap !== null && earnedToday !== undefined
  const dailyLeft = dailyApplies ? Math.max(rule.perMemberDailyCap! - earnedToday!, 0) : Infinity
  const totalApplies =
    rule.perMemberTotalCap !== null &&
    rule.perMemberTotalCap !== undefined &&
    context.earnedInTotal !== undefined
  const totalLeft = totalApplies
    ? Math.max(rule.perMemberTotalCap! - context.earnedInTotal!, 0)
    : Infinity
  const capped = cap(promoted)
  const daily = Math.min(capped, dailyLeft)
  const memberCapped = Math.min(daily, totalLeft)
  const withoutPromotion = Math.min(cap(tiered), dailyLeft, totalLeft)
  const extra = promotion ? Math.max(memberCapped - withoutPromotion, 0) : 0
  const budgetRoom =
    context.budgetLeft === undefined || context.budgetLeft === null
      ? Infinity
      : Math.max(context.budgetLeft, 0)
  const granted = Math.min(extra, budgetRoom)
  const points = withoutPromotion + granted
  return {
    points,
    eligibleFen,
    ruleId: rule.id,
    ruleVersion: rule.version,
    promotionId: promotion?.id ?? null,
    promotionPoints: granted,
    tierId: context.tierId ?? null,
    steps: [
      { step: 'eligible', value: eligibleFen, applied: true },
      { step: 'base', value: base, applied: true },
      { step: 'items', value: items, applied: itemsApplied || items !== base },
      { step: 'tier', value: tiered, applied: tierPercent !== 100 },
      { step: 'promotion', value: promoted, applied: !!promotion },
      { step: 'cap', value: capped, applied: rule.perOrderCap !== null && capped < promoted },
      { step: 'daily_cap', value: daily, applied: dailyApplies && daily < capped },
      { step: 'member_cap', value: memberCapped, applied: totalApplies && memberCapped < daily },
      { step: 'budget', value: points, applied: granted < extra },
    ],
  }
}

function parseJson<T>(value: unknown, fallback: T): T {
  if (value === null || value === undefined || value === '') return fallback
  if (typeof value !== 'string') return value as T
  try {
    return JSON.parse(value) as T
  } catch {
    return fallback
  }
}

export function mapRule(row: any): EarningRule {
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
    perMemberTotalCap:
      row.per_member_total_cap === null || row.per_member_total_cap === undefined
        ? null
        : Number(row.per_member_total_cap),
    effectiveFrom: fromDbTime(row.effective_from)!,
    note: row.note,
    tierMultipliers: parseJson<Record<string, number>>(row.tier_multipliers, {}),
    itemRules: parseJson<ItemRule[]>(row.item_rules, []),
    bonuses: {
      signup: Number(row.signup_bonus ?? 0),
      firstOrder: Number(row.first_order_bonus ?? 0),
      birthday: Number(row.birthday_bonus ?? 0),
      profile: Number(row.profile_bonus ?? 0),
    },
  }
}

function mapPromotion(row: any): Promotion {
  return {
    id: Number(row.id),
    name: row.name,
    multiplierPercent: Number(row.multiplier_percent),
    startsAt: fromDbTime(row.starts_at)!,
    endsAt: fromDbTime(row.ends_at)!,
    cancelledAt: fromDbTime(row.cancelled_at),
    budgetPoints:
      row.budget_points === null || row.budget_points === undefined
        ? null
        : Number(row.budget_points),
    budgetSpent: Number(row.budget_spent ?? 0),
  }
}

/** What is left of a promotion's budget (null: unlimited). */
export function budgetLeft(promotion: Promotion | null): number | null {
  if (!promotion || promotion.budgetPoints === null || promotion.budgetPoints === undefined) {
    return null
  }
  return Math.max(promotion.budgetPoints - (promotion.budgetSpent ?? 0), 0)
}

/** Orders as the evaluation needs them (lines with SKU code and product category), read in bulk. */
export async function ordersForEarning(orderIds: number[]) {
  const out = new Map<number, OrderForEarning & { row: any }>()
  for (let i = 0; i < orderIds.length; i += 500) {
    const ids = orderIds.slice(i, i + 500)
    const [orders, lines] = await Promise.all([
      db.from('orders').whereIn('id', ids),
      db
        .from('order_items')
        .leftJoin('skus', 'skus.id', 'order_items.sku_id')
        .leftJoin('products', 'products.id', 'skus.product_id')
        .whereIn('order_items.order_id', ids)
        .orderBy('order_items.order_id')
        .orderBy('order_items.line_no')
        .select(
          'order_items.order_id',
          'order_items.sku_code',
          'order_items.paid_fen',
          'skus.code as sku',
          'products.category'
        ),
    ])
    for (const row of orders) {
      out.set(Number(row.id), {
        row,
        paidFen: Number(row.paid_fen),
        shippingFen: Number(row.shipping_fen),
        shopId: Number(row.shop_id),
        lines: [],
      })
    }
    for (const line of lines) {
      out.get(Number(line.order_id))?.lines!.push({
        skuCode: line.sku_code ?? line.sku ?? null,
        category: line.category ?? null,
        paidFen: Number(line.paid_fen),
      })
    }
  }
  return out
}

export class EarningRules {
  /** The rule version in force at `at` (the latest whose effective_from ≤ at). */
  async ruleAt(companyId: number, at: DateTime): Promise<EarningRule | null> {
    const row = await db
      .from('loyalty_earning_rules')
      .where('company_id', companyId)
      .where('effective_from', '<=', toDbTime(at))
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
      .where('starts_at', '<=', toDbTime(at))
      .where('ends_at', '>', toDbTime(at))
      .orderBy('id')
      .first()
    return row ? mapPromotion(row) : null
  }

  /** What an order paid at `paidAt` earns (used by the accrual job and the previews). */
  async evaluate(
    companyId: number,
    order: OrderForEarning & { paidAt: DateTime },
    earnedToday?: number,
    context: Omit<EarningContext, 'budgetLeft'> = {}
  ) {
    const [rule, promotion] = await Promise.all([
      this.ruleAt(companyId, order.paidAt),
      this.promotionAt(companyId, order.paidAt),
    ])
    return {
      rule,
      promotion,
      earning: evaluateEarning(rule, promotion, order, earnedToday, {
        ...context,
        budgetLeft: budgetLeft(promotion),
      }),
    }
  }

  async ruleById(id: number): Promise<EarningRule | null> {
    const row = await db.from('loyalty_earning_rules').where('id', id).first()
    return row ? mapRule(row) : null
  }

  async versions(companyId: number): Promise<EarningRule[]> {
    const rows = await db
      .from('loyalty_earning_rules')
      .where('company_id', companyId)
      .orderBy('version', 'desc')
    return rows.map(mapRule)
  }

  /** Every promotion not cancelled (windows never overlap), for evaluating a batch in memory. */
  async activePromotions(companyId: number): Promise<Promotion[]> {
    const rows = await db
      .from('loyalty_promotions')
      .where('company_id', companyId)
      .whereNull('cancelled_at')
      .orderBy('starts_at')
    return rows.map(mapPromotion)
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
