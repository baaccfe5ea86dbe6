import vine from '@vinejs/vine'
import {
  EXPIRY_POLICIES,
  SHORTFALL_POLICIES,
  TIER_BASES,
  TIER_DOWNGRADES,
} from '#app/loyalty/services/loyalty_settings'
import { REWARD_KINDS } from '#app/loyalty/actions/rewards'

/** `<input type="datetime-local">`, read in the staff member's zone. */
const localDateTime = vine
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/)
const yuan = vine
  .string()
  .trim()
  .regex(/^\d{1,9}(\.\d{1,2})?$/)

export const ruleVersionValidator = vine.create({
  pointsPerYuan: vine.number().withoutDecimals().min(0).max(1000),
  includeShipping: vine.boolean().optional(),
  perOrderCap: vine.number().withoutDecimals().min(1).max(100_000_000).optional(),
  perMemberDailyCap: vine.number().withoutDecimals().min(1).max(100_000_000).optional(),
  perMemberTotalCap: vine.number().withoutDecimals().min(1).max(1_000_000_000).optional(),
  effectiveFrom: localDateTime.clone().optional(),
  note: vine.string().trim().maxLength(200).optional(),
  /** One rule per line: `sku:QZ-1 200`, `category:酒水 0`, `shop:天猫旗舰店 150`. */
  itemRules: vine.string().trim().maxLength(4000).optional(),
  /** Tier id → percent; blank inputs mean ×1. */
  tierMultipliers: vine
    .record(vine.number().withoutDecimals().min(1).max(10_000).optional())
    .optional(),
  signupBonus: vine.number().withoutDecimals().min(0).max(100_000_000).optional(),
  firstOrderBonus: vine.number().withoutDecimals().min(0).max(100_000_000).optional(),
  birthdayBonus: vine.number().withoutDecimals().min(0).max(100_000_000).optional(),
  profileBonus: vine.number().withoutDecimals().min(0).max(100_000_000).optional(),
})

export const promotionValidator = vine.create({
  name: vine.string().trim().minLength(1).maxLength(100),
  multiplierPercent: vine.number().withoutDecimals().min(101).max(10000),
  startsAt: localDateTime.clone(),
  endsAt: localDateTime.clone(),
  budgetPoints: vine.number().withoutDecimals().min(1).max(1_000_000_000).optional(),
})

export const settingsValidator = vine.create({
  returnWindowDays: vine.number().withoutDecimals().min(0).max(365),
  expiryPolicy: vine.enum(EXPIRY_POLICIES),
  expiryMonths: vine.number().withoutDecimals().min(1).max(120).optional(),
  shortfallPolicy: vine.enum(SHORTFALL_POLICIES),
  unitCostFen: vine.number().withoutDecimals().min(0).max(10000),
  tierGraceDays: vine.number().withoutDecimals().min(0).max(365),
  /** Absent: unchanged (forms and scripts from before these settings). */
  tierBasis: vine.enum(TIER_BASES).optional(),
  tierDowngrade: vine.enum(TIER_DOWNGRADES).optional(),
})

export const previewValidator = vine.create({
  paid: yuan.clone(),
  shipping: yuan.clone().optional(),
  paidAt: localDateTime.clone().optional(),
  tierId: vine.number().withoutDecimals().min(1).optional(),
  shopId: vine.number().withoutDecimals().min(1).optional(),
})

/** Staff adjustment from the member page: whole points, either sign, reason required. */
export const adjustValidator = vine.create({
  points: vine.number().withoutDecimals().min(-100_000_000).max(100_000_000),
  reason: vine.string().trim().minLength(1).maxLength(500),
  idempotencyKey: vine.string().trim().minLength(8).maxLength(100),
})

export const apiAdjustValidator = vine.create({
  points: vine.number().withoutDecimals().min(-100_000_000).max(100_000_000),
  reason: vine.string().trim().minLength(1).maxLength(500),
  idempotencyKey: vine.string().trim().minLength(1).maxLength(100),
})

/** Either `points` (plain points) or `rewardId` (one unit of a catalogue reward). */
export const apiRedeemValidator = vine.create({
  points: vine.number().withoutDecimals().min(1).max(100_000_000).optional(),
  rewardId: vine.number().withoutDecimals().positive().optional(),
  reason: vine.string().trim().maxLength(500).optional(),
  idempotencyKey: vine.string().trim().minLength(1).maxLength(100),
})

/**
 * The points API's request fields were snake_case until this release; the
 * old names are still accepted, as deprecated aliases, for one release.
 */
export const DEPRECATED_API_FIELDS: Record<string, string> = {
  idempotency_key: 'idempotencyKey',
  reward_id: 'rewardId',
}

export const apiLedgerValidator = vine.create({
  cursor: vine.string().trim().maxLength(500).optional(),
  limit: vine.number().withoutDecimals().min(1).max(200).optional(),
})

export const tierValidator = vine.create({
  name: vine.string().trim().minLength(1).maxLength(40),
  color: vine
    .string()
    .trim()
    .regex(/^#[0-9a-fA-F]{6}$/),
  /** Yuan (two decimals at most) for a spend basis, a whole number for points or orders. */
  threshold: yuan.clone(),
})

/** A tier set by staff: tier (empty = none), reason required, optional end date. */
export const manualTierValidator = vine.create({
  tierId: vine.number().withoutDecimals().positive().optional(),
  reason: vine.string().trim().minLength(1).maxLength(200),
  until: vine
    .string()
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
})

export const rewardValidator = vine.create({
  name: vine.string().trim().minLength(1).maxLength(100),
  kind: vine.enum(REWARD_KINDS),
  pointsCost: vine.number().withoutDecimals().min(1).max(100_000_000),
  stock: vine.number().withoutDecimals().min(0).max(100_000_000).optional(),
  perMemberLimit: vine.number().withoutDecimals().min(1).max(10_000).optional(),
  /** Coupon rewards: the coupon template a redemption issues. */
  couponTemplateId: vine.number().withoutDecimals().positive().optional(),
  /** Benefit rewards: the benefit a redemption grants, for `benefitDays` days. */
  benefitId: vine.number().withoutDecimals().positive().optional(),
  benefitDays: vine.number().withoutDecimals().min(1).max(3650).optional(),
})

export const redeemRewardValidator = vine.create({
  rewardId: vine.number().withoutDecimals().positive(),
  idempotencyKey: vine.string().trim().minLength(8).maxLength(100),
})

export const apiExpiringValidator = vine.create({
  days: vine.number().withoutDecimals().min(1).max(366),
  limit: vine.number().withoutDecimals().min(1).max(5000).optional(),
})
