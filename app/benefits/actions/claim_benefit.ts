import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { AuditLog, type AuditActor } from '#app/shared/audit/audit_log'
import { DomainError } from '#app/shared/errors/domain_error'
import { DEFAULT_ZONE } from '#app/shared/kernel/time'
import Benefit, { type BenefitPeriod } from '#app/benefits/models/benefit'
import BenefitGrant from '#app/benefits/models/benefit_grant'
import { affectedRows, toDbTime } from '#app/shared/kernel/db_values'

/** The quota period a use falls in, by the company's calendar. */
export function periodKey(period: BenefitPeriod, at: DateTime, zone: string = DEFAULT_ZONE) {
  const local = at.setZone(zone)
  if (period === 'month') return local.toFormat('yyyy-MM')
  if (period === 'year') return local.toFormat('yyyy')
  return 'once'
}

function refused(reason: string, status = 422) {
  return new DomainError(`E_BENEFIT_${reason.toUpperCase()}`, `benefits.errors.${reason}`, status)
}

export interface MemberBenefit {
  benefit: Benefit
  grant: BenefitGrant
  /** From a tier (null: granted to the member). */
  tierId: number | null
  used: number
  /** null: unlimited. */
  left: number | null
}

/**
 * 权益核销: what a member may use now and how much is left this period, and
 * a claim that counts against the quota exactly once — an idempotency key
 * per claim, and a conditional update of the period's usage row so two
 * claims racing for the last use get one.
 */
export class ClaimBenefit {
  /** The member's benefits in force at `at`: their own grants first, then their tier's. */
  async available(companyId: number, memberId: number, at: DateTime = DateTime.utc()) {
    const tier = await db.from('member_tiers').where('member_id', memberId).first()
    const now = toDbTime(at, db.connection())!
    const grants = await BenefitGrant.query()
      .where('companyId', companyId)
      .whereNull('revokedAt')
      .where('validFrom', '<=', now)
      .where((q) => q.whereNull('validUntil').orWhere('validUntil', '>', now))
      .where((q) => {
        q.where('memberId', memberId)
        if (tier?.tier_id) q.orWhere('tierId', tier.tier_id)
      })
      .orderByRaw('case when member_id is null then 1 else 0 end')
      .orderBy('id')
    const benefits = await Benefit.query()
      .whereIn('id', [...new Set(grants.map((g) => g.benefitId))])
      .whereNull('archivedAt')
    const byId = new Map(benefits.map((b) => [b.id, b]))

    const result: MemberBenefit[] = []
    const seen = new Set<number>()
    for (const grant of grants) {
      const benefit = byId.get(grant.benefitId)
      if (!benefit || seen.has(benefit.id)) continue
      seen.add(benefit.id)
      const usage = await db
        .from('benefit_usage')
        .where({
          member_id: memberId,
          benefit_id: benefit.id,
          period_key: periodKey(benefit.period, at),
        })
        .first()
      const used = Number(usage?.used ?? 0)
      result.push({
        benefit,
        grant,
        tierId: grant.tierId,
        used,
        left: benefit.quota === null ? null : Math.max(0, benefit.quota - used),
      })
    }
    return result
  }

  async handle(request: {
    companyId: number
    memberId: number
    benefitId: number
    idempotencyKey: string
    channel: 'ui' | 'api'
    note?: string | null
    actor: AuditActor | null
    at?: DateTime
  }) {
    const at = request.at ?? DateTime.utc()
    const earlier = await this.#claimWithKey(request.companyId, request.idempotencyKey)
    if (earlier) return this.#sameClaim(earlier, request)

    const benefit = await Benefit.query()
      .where('companyId', request.companyId)
      .where('id', request.benefitId)
      .first()
    if (!benefit || benefit.archivedAt) throw refused('not_found', 404)
    const inForce = await this.available(request.companyId, request.memberId, at)
    const entry = inForce.find((item) => item.benefit.id === benefit.id)
    if (!entry) {
      const lapsed = await BenefitGrant.query()
        .where('benefitId', benefit.id)
        .where('memberId', request.memberId)
        .first()
      throw refused(lapsed ? 'expired' : 'not_granted')
    }

    const key = periodKey(benefit.period, at)
    const client = db.connection()
    try {
      return await db.transaction(async (trx) => {
        // Lock the grant (a reward cancellation locks it too) and make sure it still stands.
        const held = await trx
          .from('benefit_grants')
          .where('id', entry.grant.id)
          .whereNull('revoked_at')
          .update({ updated_at: toDbTime(DateTime.utc(), client) })
        if (!affectedRows(held)) throw refused('expired')
        const usage = { member_id: request.memberId, benefit_id: benefit.id, period_key: key }
        await trx
          .insertQuery()
          .table('benefit_usage')
          .insert({ ...usage, used: 0 })
          .onConflict(['member_id', 'benefit_id', 'period_key'])
          .ignore()
        const increment = trx.from('benefit_usage').where(usage)
        if (benefit.quota !== null) increment.where('used', '<', benefit.quota)
        const changed = await increment.increment('used', 1)
        if (!affectedRows(changed)) throw refused('over_quota', 409)

        const [row] = await trx
          .insertQuery()
          .table('benefit_claims')
          .insert({
            company_id: request.companyId,
            benefit_id: benefit.id,
            member_id: request.memberId,
            grant_id: entry.grant.id,
            period_key: key,
            channel: request.channel,
            note: request.note ?? null,
            idempotency_key: request.idempotencyKey,
            created_by_id: request.actor?.id ?? null,
            claimed_at: toDbTime(at, client),
          })
          .returning('id')
        const id = Number(typeof row === 'object' ? row.id : row)
        await AuditLog.record({
          client: trx,
          entityType: 'member',
          entityId: request.memberId,
          action: 'benefit_claim',
          actor: request.actor,
          context: { benefit: benefit.id, claim: id, period: key, channel: request.channel },
        })
        return {
          claimId: id,
          benefit,
          periodKey: key,
          left: entry.left === null ? null : entry.left - 1,
        }
      })
    } catch (error) {
      // The same key raced in from another request: answer with its claim.
      const raced = await this.#claimWithKey(request.companyId, request.idempotencyKey)
      if (raced) return this.#sameClaim(raced, request)
      throw error
    }
  }

  async #claimWithKey(companyId: number, key: string) {
    return db.from('benefit_claims').where({ company_id: companyId, idempotency_key: key }).first()
  }

  async #sameClaim(claim: any, request: { memberId: number; benefitId: number }) {
    if (
      Number(claim.member_id) !== request.memberId ||
      Number(claim.benefit_id) !== request.benefitId
    ) {
      throw refused('idempotency_key_reused', 409)
    }
    const benefit = await Benefit.findOrFail(claim.benefit_id)
    return { claimId: Number(claim.id), benefit, periodKey: claim.period_key as string, left: null }
  }
}
