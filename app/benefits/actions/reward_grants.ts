import type { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import { DomainError } from '#app/shared/errors/domain_error'
import { affectedRows, toDbTime } from '#app/shared/kernel/db_values'

/**
 * Benefits bought with points (积分兑换权益). Both run inside the points
 * redemption's transaction, so the points, the grant and the redemption are
 * written — or taken back — together.
 */

/** Grants `benefitId` to the member for `days` from now; returns the grant id. */
export async function grantBenefitForReward(
  trx: TransactionClientContract,
  input: {
    companyId: number
    benefitId: number
    memberId: number
    days: number
    reason: string
    actorId: number | null
    now: DateTime
  }
): Promise<number> {
  const benefit = await trx
    .from('benefits')
    .where({ id: input.benefitId, company_id: input.companyId })
    .whereNull('archived_at')
    .first()
  if (!benefit) {
    throw new DomainError('E_BENEFIT_NOT_FOUND', 'benefits.errors.not_found', 422)
  }
  const client = db.connection()
  const [row] = await trx
    .insertQuery()
    .table('benefit_grants')
    .insert({
      company_id: input.companyId,
      benefit_id: input.benefitId,
      tier_id: null,
      member_id: input.memberId,
      valid_from: toDbTime(input.now, client),
      valid_until: toDbTime(input.now.plus({ days: input.days }), client),
      reason: input.reason.slice(0, 200),
      created_by_id: input.actorId,
      created_at: toDbTime(input.now, client),
      updated_at: toDbTime(input.now, client),
    })
    .returning('id')
  return Number(typeof row === 'object' ? row.id : row)
}

/**
 * Revokes a reward's grant, once, and only if it was never used. The grant
 * row is locked first (a claim locks it too), then its claims are counted in
 * a new statement — so a claim that committed meanwhile is seen — and the
 * revoke is a conditional update: a second cancel changes nothing.
 */
export async function revokeRewardGrant(
  trx: TransactionClientContract,
  grantId: number,
  now: DateTime
) {
  const lock = trx.from('benefit_grants').where('id', grantId).select('id')
  if (trx.dialect.name === 'postgres') await lock.forUpdate()
  else await lock
  const [{ n }] = await trx.from('benefit_claims').where('grant_id', grantId).count('* as n')
  if (Number(n) > 0) {
    throw new DomainError('E_BENEFIT_GRANT_USED', 'benefits.errors.grant_used', 409)
  }
  const changed = await trx
    .from('benefit_grants')
    .where('id', grantId)
    .whereNull('revoked_at')
    .update({
      revoked_at: toDbTime(now, db.connection()),
      updated_at: toDbTime(now, db.connection()),
    })
  return affectedRows(changed) === 1
}
