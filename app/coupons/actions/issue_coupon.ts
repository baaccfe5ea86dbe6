import { randomBytes } from 'node:crypto'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import { DomainError } from '#app/shared/errors/domain_error'
import CouponTemplate from '#app/coupons/models/coupon_template'
import { newCouponCode, validityOf } from '#app/coupons/actions/coupon_rules'
import { affectedRows, toDbTime } from '#app/shared/kernel/db_values'

/**
 * Takes the template's lock for the rest of the transaction: every issuer of
 * a template (batches, points redemptions) checks its issue limit and inserts
 * under it, one at a time, so two running together cannot pass the limit. A
 * write first: the row lock on PostgreSQL, the write lock on SQLite.
 */
export async function lockTemplateForIssue(trx: TransactionClientContract, templateId: number) {
  await trx
    .from('coupon_templates')
    .where('id', templateId)
    .update({ updated_at: trx.raw('updated_at') })
}

/** Coupons of the template issued so far (every status counts toward 发行量). */
export async function issuedOf(trx: TransactionClientContract, templateId: number) {
  const row = await trx.from('coupons').where('template_id', templateId).count('* as n').first()
  return Number(row?.n ?? 0)
}

/**
 * One coupon of a template to one member, inside the caller's transaction
 * (a points redemption): refused if the template is archived or its issue
 * limit is reached, so the caller's whole transaction rolls back.
 */
export async function issueCouponTo(
  trx: TransactionClientContract,
  templateId: number,
  memberId: number,
  now: DateTime = DateTime.utc()
): Promise<number> {
  const template = await CouponTemplate.query({ client: trx }).where('id', templateId).firstOrFail()
  if (template.archivedAt) {
    throw new DomainError('E_COUPON_TEMPLATE_ARCHIVED', 'coupons.errors.archived', 409)
  }
  if (template.totalLimit !== null) {
    await lockTemplateForIssue(trx, template.id)
    if ((await issuedOf(trx, template.id)) >= template.totalLimit) {
      throw new DomainError('E_COUPON_LIMIT_REACHED', 'coupons.errors.limit_reached', 409)
    }
  }
  const { from, until } = validityOf(template, now)
  const client = db.connection()
  for (let attempt = 0; attempt < 5; attempt++) {
    const code = newCouponCode(randomBytes)
    const taken = await trx.from('coupons').where({ company_id: template.companyId, code }).first()
    if (taken) continue
    const [row] = await trx
      .insertQuery()
      .table('coupons')
      .insert({
        company_id: template.companyId,
        template_id: template.id,
        batch_id: null,
        member_id: memberId,
        code,
        status: 'issued',
        issued_at: toDbTime(now, client),
        valid_from: toDbTime(from, client),
        valid_until: toDbTime(until, client),
        created_at: toDbTime(now, client),
        updated_at: toDbTime(now, client),
      })
      .returning('id')
    return Number(typeof row === 'object' ? row.id : row)
  }
  throw new Error('coupon codes kept colliding')
}

/**
 * Takes back a coupon that was given for points (the redemption is
 * cancelled). A coupon already used cannot be taken back.
 */
export async function voidCoupon(trx: TransactionClientContract, couponId: number) {
  const changed = await trx
    .from('coupons')
    .where('id', couponId)
    .where('status', 'issued')
    .update({ status: 'void', updated_at: toDbTime(DateTime.utc(), db.connection()) })
  if (!affectedRows(changed)) {
    throw new DomainError('E_COUPON_USED', 'coupons.errors.cannot_void_used', 409)
  }
}
