import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import type { ShortfallPolicy } from '#app/loyalty/services/points_ledger'
import { AuditLog, type AuditActor } from '#app/shared/audit/audit_log'
import { toDbTime } from '#app/shared/kernel/db_values'

export type ExpiryPolicy = 'never' | 'months' | 'year_after_next'
export const EXPIRY_POLICIES: ExpiryPolicy[] = ['never', 'months', 'year_after_next']
export const SHORTFALL_POLICIES: ShortfallPolicy[] = ['record_shortfall', 'allow_negative']
/** What tiers qualify by, over the rolling 12 months: paid spend, points earned or orders. */
export type TierBasis = 'spend' | 'points' | 'orders'
export const TIER_BASES: TierBasis[] = ['spend', 'points', 'orders']
/** Where a downgrade goes: the tier the figure earns, or one level down. */
export type TierDowngrade = 'earned' | 'one_level'
export const TIER_DOWNGRADES: TierDowngrade[] = ['earned', 'one_level']

export interface LoyaltySettings {
  companyId: number
  returnWindowDays: number
  expiryPolicy: ExpiryPolicy
  expiryMonths: number | null
  shortfallPolicy: ShortfallPolicy
  unitCostFen: number
  /** Days below the tier's threshold before the periodic re-evaluation downgrades. */
  tierGraceDays: number
  tierBasis: TierBasis
  tierDowngrade: TierDowngrade
}

/** What a company has before anyone saves settings. */
export function defaultSettings(companyId: number): LoyaltySettings {
  return {
    companyId,
    returnWindowDays: 7,
    expiryPolicy: 'year_after_next',
    expiryMonths: null,
    shortfallPolicy: 'record_shortfall',
    unitCostFen: 1,
    tierGraceDays: 30,
    tierBasis: 'spend',
    tierDowngrade: 'earned',
  }
}

export async function loyaltySettings(companyId: number): Promise<LoyaltySettings> {
  const row = await db.from('loyalty_settings').where('company_id', companyId).first()
  if (!row) return defaultSettings(companyId)
  return {
    companyId,
    returnWindowDays: Number(row.return_window_days),
    expiryPolicy: row.expiry_policy,
    expiryMonths: row.expiry_months === null ? null : Number(row.expiry_months),
    shortfallPolicy: row.shortfall_policy,
    unitCostFen: Number(row.unit_cost_fen),
    tierGraceDays: Number(row.tier_grace_days ?? 30),
    tierBasis: row.tier_basis ?? 'spend',
    tierDowngrade: row.tier_downgrade ?? 'earned',
  }
}

export async function saveLoyaltySettings(settings: LoyaltySettings, actor: AuditActor | null) {
  const before = await loyaltySettings(settings.companyId)
  const stamp = toDbTime(DateTime.utc())
  const values = {
    return_window_days: settings.returnWindowDays,
    expiry_policy: settings.expiryPolicy,
    expiry_months: settings.expiryPolicy === 'months' ? settings.expiryMonths : null,
    shortfall_policy: settings.shortfallPolicy,
    unit_cost_fen: settings.unitCostFen,
    tier_grace_days: settings.tierGraceDays,
    tier_basis: settings.tierBasis,
    tier_downgrade: settings.tierDowngrade,
    updated_at: stamp,
  }
  await db
    .table('loyalty_settings')
    .knexQuery.insert({ company_id: settings.companyId, created_at: stamp, ...values })
    .onConflict('company_id')
    .merge(values)
  await AuditLog.record({
    entityType: 'loyalty_settings',
    entityId: settings.companyId,
    action: 'loyalty.settings.update',
    before: { ...before },
    after: { ...settings },
    actor,
  })
}

/**
 * When points earned at `earnedAt` expire under the policy: never (null);
 * N months later; or at the end of the year after next in the company's
 * zone (earned in 2026 → expire at 2027-12-31 23:59:59 Shanghai time).
 */
export function expiryFor(settings: LoyaltySettings, earnedAt: DateTime, zone: string) {
  switch (settings.expiryPolicy) {
    case 'never':
      return null
    case 'months':
      return earnedAt.plus({ months: settings.expiryMonths ?? 12 }).toUTC()
    case 'year_after_next':
      return earnedAt.setZone(zone).plus({ years: 1 }).endOf('year').startOf('second').toUTC()
  }
}
