import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { AuditLog, type AuditActor } from '#app/shared/audit/audit_log'
import { DomainError } from '#app/shared/errors/domain_error'
import Benefit, { type BenefitKind, type BenefitPeriod } from '#app/benefits/models/benefit'
import BenefitGrant from '#app/benefits/models/benefit_grant'
import { monthInZone, toDbTime } from '#app/shared/kernel/db_values'

/** The benefits catalogue and its grants (to a tier, or to one member for a while), audit-logged. */
export class ManageBenefits {
  async create(
    companyId: number,
    input: {
      name: string
      kind: BenefitKind
      description?: string
      quota?: number
      period: BenefitPeriod
    },
    actor: AuditActor
  ) {
    const benefit = await Benefit.create({
      companyId,
      name: input.name,
      kind: input.kind,
      description: input.description ?? null,
      quota: input.quota ?? null,
      period: input.period,
    })
    await AuditLog.record({
      entityType: 'benefit',
      entityId: benefit.id,
      action: 'create',
      after: benefit.serialize(),
      actor,
    })
    return benefit
  }

  async grantToTier(benefit: Benefit, tierId: number, actor: AuditActor) {
    const tier = await db
      .from('loyalty_tiers')
      .where({ id: tierId, company_id: benefit.companyId })
      .first()
    if (!tier) throw new DomainError('E_BENEFIT_UNKNOWN_TIER', 'benefits.errors.unknown_tier', 422)
    const existing = await BenefitGrant.query()
      .where({ benefitId: benefit.id, tierId })
      .whereNull('revokedAt')
      .first()
    if (existing) return existing
    const grant = await BenefitGrant.create({
      companyId: benefit.companyId,
      benefitId: benefit.id,
      tierId,
      memberId: null,
      validFrom: DateTime.utc(),
      validUntil: null,
      createdById: actor.id,
    })
    await AuditLog.record({
      entityType: 'benefit',
      entityId: benefit.id,
      action: 'grant_tier',
      actor,
      context: { tier: tierId },
    })
    return grant
  }

  async grantToMember(
    benefit: Benefit,
    memberId: number,
    options: { validUntil: DateTime; reason: string },
    actor: AuditActor
  ) {
    if (options.validUntil <= DateTime.utc()) {
      throw new DomainError('E_BENEFIT_PAST_END', 'benefits.errors.end_in_past', 422)
    }
    const grant = await BenefitGrant.create({
      companyId: benefit.companyId,
      benefitId: benefit.id,
      tierId: null,
      memberId,
      validFrom: DateTime.utc(),
      validUntil: options.validUntil,
      reason: options.reason,
      createdById: actor.id,
    })
    await AuditLog.record({
      entityType: 'member',
      entityId: memberId,
      action: 'benefit_grant',
      actor,
      context: { benefit: benefit.id, until: options.validUntil.toISO(), reason: options.reason },
    })
    return grant
  }

  async revoke(grant: BenefitGrant, actor: AuditActor) {
    if (grant.revokedAt) return grant
    grant.revokedAt = DateTime.utc()
    await grant.save()
    await AuditLog.record({
      entityType: 'benefit',
      entityId: grant.benefitId,
      action: 'revoke_grant',
      actor,
      context: { grant: grant.id },
    })
    return grant
  }

  /** 使用报表: claims per benefit since a moment (the start of this month) and in all. */
  async usage(companyId: number, since: DateTime) {
    const count = async (from: DateTime | null) => {
      const query = db
        .from('benefit_claims')
        .where('company_id', companyId)
        .groupBy('benefit_id')
        .select('benefit_id')
        .count('* as n')
      if (from) query.where('claimed_at', '>=', toDbTime(from, db.connection())!)
      const rows = await query
      return new Map<number, number>(rows.map((row) => [Number(row.benefit_id), Number(row.n)]))
    }
    return { total: await count(null), recent: await count(since) }
  }

  /**
   * 按月使用: per benefit and calendar month (company zone) of the last
   * `months` months, the claims and the members who claimed — newest month
   * first, every benefit of the catalogue present in every month.
   */
  async monthlyUsage(companyId: number, zone: string, months = 12): Promise<MonthlyUsage> {
    const start = DateTime.now().setZone(zone).startOf('month')
    const since = start.minus({ months: months - 1 })
    const monthKeys = Array.from({ length: months }, (_, i) =>
      start.minus({ months: i }).toFormat('yyyy-MM')
    )
    const rows = await db
      .from('benefit_claims')
      .where('company_id', companyId)
      .where('claimed_at', '>=', toDbTime(since))
      .select('benefit_id', monthInZone('claimed_at', zone, since))
      .count('* as claims')
      .countDistinct('member_id as members')
      .groupBy('benefit_id', 'month')
    const cells = new Map<string, { claims: number; members: number }>()
    for (const row of rows as any[]) {
      cells.set(`${row.benefit_id}:${row.month}`, {
        claims: Number(row.claims),
        members: Number(row.members),
      })
    }
    const benefits = await Benefit.query()
      .where('companyId', companyId)
      .orderBy('id')
      .select('id', 'name', 'archivedAt')
    return {
      months: monthKeys,
      rows: benefits.map((benefit) => ({
        benefitId: benefit.id,
        name: benefit.name,
        archived: benefit.archivedAt !== null,
        byMonth: monthKeys.map(
          (month) => cells.get(`${benefit.id}:${month}`) ?? { claims: 0, members: 0 }
        ),
      })),
    }
  }
}

export interface MonthlyUsage {
  /** `yyyy-MM`, newest first. */
  months: string[]
  rows: Array<{
    benefitId: number
    name: string
    archived: boolean
    byMonth: Array<{ claims: number; members: number }>
  }>
}
