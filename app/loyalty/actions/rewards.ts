import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import { AuditLog, type AuditActor } from '#app/shared/audit/audit_log'
import { DomainError } from '#app/shared/errors/domain_error'
import { PointsLedger } from '#app/loyalty/services/points_ledger'
import { issueCouponTo, voidCoupon } from '#app/coupons/actions/issue_coupon'
import { affectedRows, toDbTime, fromDbTime } from '#app/shared/kernel/db_values'
import { grantBenefitForReward, revokeRewardGrant } from '#app/benefits/actions/reward_grants'

export const REWARD_KINDS = ['coupon', 'gift', 'benefit', 'cash'] as const
export type RewardKind = (typeof REWARD_KINDS)[number]

export interface Reward {
  id: number
  name: string
  kind: RewardKind
  pointsCost: number
  stock: number | null
  perMemberLimit: number | null
  active: boolean
  /** Coupon rewards: the template whose coupon a redemption issues. */
  couponTemplateId: number | null
  /** Benefit rewards: the benefit a redemption grants, and for how many days. */
  benefitId: number | null
  benefitDays: number | null
}

function mapReward(row: any): Reward {
  return {
    id: Number(row.id),
    name: row.name,
    kind: row.kind,
    pointsCost: Number(row.points_cost),
    stock: row.stock === null ? null : Number(row.stock),
    perMemberLimit: row.per_member_limit === null ? null : Number(row.per_member_limit),
    active: Boolean(row.active),
    couponTemplateId: row.coupon_template_id == null ? null : Number(row.coupon_template_id),
    benefitId: row.benefit_id == null ? null : Number(row.benefit_id),
    benefitDays: row.benefit_days == null ? null : Number(row.benefit_days),
  }
}

function insertedId(rows: any[]): number {
  const row = rows[0]
  return Number(typeof row === 'object' ? row.id : row)
}

/**
 * 积分商城: the rewards catalogue and redemptions. Redeeming is one ledger
 * transaction: the member's points, the reward's stock (a conditional
 * decrement) and the per-member limit are checked and written together, so
 * a refusal writes nothing and concurrent redemptions never oversell.
 * Cancelling returns the points to their original lots and the unit to stock.
 */
export class Rewards {
  constructor(private now: () => DateTime = () => DateTime.utc()) {}

  async list(companyId: number, options: { activeOnly?: boolean } = {}) {
    const rows = await db
      .from('loyalty_rewards')
      .where('company_id', companyId)
      .if(options.activeOnly, (q) => q.where('active', true))
      .orderBy('points_cost')
    return rows.map(mapReward)
  }

  async create(
    companyId: number,
    input: {
      name: string
      kind: RewardKind
      pointsCost: number
      stock: number | null
      perMemberLimit: number | null
      couponTemplateId?: number | null
      benefitId?: number | null
      benefitDays?: number | null
    },
    actor: AuditActor | null
  ) {
    const name = input.name.trim()
    const whole = (n: number | null, min: number) =>
      n === null || (Number.isSafeInteger(n) && n >= min)
    if (
      !name ||
      !REWARD_KINDS.includes(input.kind) ||
      !whole(input.pointsCost, 1) ||
      !whole(input.stock, 0) ||
      !whole(input.perMemberLimit, 1)
    ) {
      throw new DomainError('E_REWARD_INVALID', 'loyalty.errors.reward_invalid', 422)
    }
    const couponTemplateId = input.kind === 'coupon' ? (input.couponTemplateId ?? null) : null
    if (couponTemplateId !== null) {
      const template = await db
        .from('coupon_templates')
        .where({ id: couponTemplateId, company_id: companyId })
        .whereNull('archived_at')
        .first()
      if (!template) throw new DomainError('E_REWARD_INVALID', 'loyalty.errors.reward_invalid', 422)
    }
    const benefitId = input.kind === 'benefit' ? (input.benefitId ?? null) : null
    const benefitDays = benefitId === null ? null : (input.benefitDays ?? 365)
    if (benefitId !== null) {
      const benefit = await db
        .from('benefits')
        .where({ id: benefitId, company_id: companyId })
        .whereNull('archived_at')
        .first()
      if (!benefit || !whole(benefitDays, 1) || benefitDays! > 3650) {
        throw new DomainError('E_REWARD_INVALID', 'loyalty.errors.reward_invalid', 422)
      }
    }
    const stamp = toDbTime(this.now())
    const id = insertedId(
      await db.table('loyalty_rewards').returning('id').insert({
        company_id: companyId,
        name,
        kind: input.kind,
        points_cost: input.pointsCost,
        stock: input.stock,
        per_member_limit: input.perMemberLimit,
        coupon_template_id: couponTemplateId,
        benefit_id: benefitId,
        benefit_days: benefitDays,
        active: true,
        created_at: stamp,
        updated_at: stamp,
      })
    )
    await AuditLog.record({
      entityType: 'loyalty_reward',
      entityId: id,
      action: 'loyalty.reward.create',
      after: { ...input, name },
      actor,
    })
    return id
  }

  /** Redeems one unit; the same idempotency key again returns the first redemption. */
  async redeem(
    ref: { companyId: number; memberId: number },
    input: { rewardId: number; idempotencyKey: string },
    actor: AuditActor | null
  ) {
    const rewardRow = await db
      .from('loyalty_rewards')
      .where({ id: input.rewardId, company_id: ref.companyId })
      .first()
    if (!rewardRow) throw new DomainError('E_REWARD_UNKNOWN', 'loyalty.errors.reward_unknown', 422)
    const reward = mapReward(rewardRow)
    if (!reward.active) {
      throw new DomainError('E_REWARD_INACTIVE', 'loyalty.errors.reward_inactive', 422)
    }
    const posting = await new PointsLedger(this.now).redeem(ref, {
      points: reward.pointsCost,
      sourceType: 'redemption',
      sourceId: `reward:${reward.id}`,
      idempotencyKey: `reward:${input.idempotencyKey}`,
      actorId: actor?.id ?? null,
      reason: reward.name,
      within: async (trx, redeemed) => {
        if (reward.perMemberLimit !== null) {
          const [{ n }] = await trx
            .from('loyalty_redemptions')
            .where({ member_id: ref.memberId, reward_id: reward.id, status: 'active' })
            .count('* as n')
          if (Number(n) >= reward.perMemberLimit) {
            throw new DomainError('E_REWARD_LIMIT', 'loyalty.errors.reward_limit', 422, {
              limit: reward.perMemberLimit,
            })
          }
        }
        if (reward.stock !== null) {
          const updated = await trx
            .from('loyalty_rewards')
            .where('id', reward.id)
            .where('stock', '>', 0)
            .update({ stock: db.raw('stock - 1'), updated_at: toDbTime(this.now()) })
          if (affectedRows(updated) === 0) {
            throw new DomainError(
              'E_REWARD_OUT_OF_STOCK',
              'loyalty.errors.reward_out_of_stock',
              422
            )
          }
        }
        // A coupon reward gives a real coupon, in the same transaction as the points.
        const couponId =
          reward.couponTemplateId === null
            ? null
            : await issueCouponTo(trx, reward.couponTemplateId, ref.memberId, this.now())
        // A benefit reward grants the benefit to the member, in the same transaction.
        const benefitGrantId =
          reward.benefitId === null
            ? null
            : await grantBenefitForReward(trx, {
                companyId: ref.companyId,
                benefitId: reward.benefitId,
                memberId: ref.memberId,
                days: reward.benefitDays ?? 365,
                reason: `reward:${reward.id} ${reward.name}`,
                actorId: actor?.id ?? null,
                now: this.now(),
              })
        await trx.table('loyalty_redemptions').insert({
          company_id: ref.companyId,
          member_id: ref.memberId,
          reward_id: reward.id,
          points: reward.pointsCost,
          posting_id: redeemed.id,
          coupon_id: couponId,
          benefit_grant_id: benefitGrantId,
          status: 'active',
          created_by_id: actor?.id ?? null,
          created_at: toDbTime(this.now()),
        })
      },
    })
    const redemption = await db
      .from('loyalty_redemptions')
      .where('posting_id', posting.id)
      .firstOrFail()
    return { id: Number(redemption.id), created: posting.created, reward }
  }

  /** Cancels a redemption: points back to their original lots and expiry dates, the unit back to stock. */
  async cancel(companyId: number, redemptionId: number, actor: AuditActor | null) {
    const row = await db
      .from('loyalty_redemptions')
      .where({ id: redemptionId, company_id: companyId })
      .first()
    if (!row) throw new DomainError('E_NOT_FOUND', 'loyalty.errors.not_found', 404)
    const ref = { companyId, memberId: Number(row.member_id) }
    await new PointsLedger(this.now).cancelRedemption(ref, {
      redemptionPostingId: Number(row.posting_id),
      actorId: actor?.id ?? null,
      reason: 'cancel',
      within: async (trx, cancelled) => {
        const updated = await trx
          .from('loyalty_redemptions')
          .where('id', redemptionId)
          .where('status', 'active')
          .update({
            status: 'cancelled',
            cancel_posting_id: cancelled.id,
            cancelled_by_id: actor?.id ?? null,
            cancelled_at: toDbTime(this.now()),
          })
        if (affectedRows(updated) === 0) return
        // The coupon it gave is taken back; if it was used, the whole cancel is refused.
        if (row.coupon_id) await voidCoupon(trx, Number(row.coupon_id))
        // The benefit it granted is revoked; if it was used, the whole cancel is refused.
        if (row.benefit_grant_id) {
          await revokeRewardGrant(trx, Number(row.benefit_grant_id), this.now())
        }
        await trx
          .from('loyalty_rewards')
          .where('id', row.reward_id)
          .whereNotNull('stock')
          .update({ stock: db.raw('stock + 1'), updated_at: toDbTime(this.now()) })
      },
    })
    await AuditLog.record({
      entityType: 'loyalty_redemption',
      entityId: redemptionId,
      action: 'loyalty.redemption.cancel',
      context: { memberId: ref.memberId, points: Number(row.points) },
      actor,
    })
  }

  async redemptionsOf(memberId: number) {
    const rows = await db
      .from('loyalty_redemptions')
      .join('loyalty_rewards', 'loyalty_rewards.id', 'loyalty_redemptions.reward_id')
      .where('loyalty_redemptions.member_id', memberId)
      .orderBy('loyalty_redemptions.id', 'desc')
      .limit(20)
      .select('loyalty_redemptions.*', 'loyalty_rewards.name as reward_name')
    return rows.map((r: any) => ({
      id: Number(r.id),
      rewardName: String(r.reward_name),
      points: Number(r.points),
      status: r.status as 'active' | 'cancelled',
      createdAt: fromDbTime(r.created_at)!,
      cancelledAt: fromDbTime(r.cancelled_at),
    }))
  }
}
