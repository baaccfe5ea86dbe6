import type { HttpContext } from '@adonisjs/core/http'
import db from '@adonisjs/lucid/services/db'
import { currentCompany } from '#app/organization/current_company'
import { PointsLedger, type Posting } from '#app/loyalty/services/points_ledger'
import {
  MemberPoints,
  loyaltySummaryFor,
  pointsExpiringWithin,
} from '#app/loyalty/services/loyalty_queries'
import {
  apiExpiringValidator,
  apiAdjustValidator,
  apiLedgerValidator,
  apiRedeemValidator,
  DEPRECATED_API_FIELDS,
} from '#app/loyalty/validators/loyalty'
import { findMember } from '#app/loyalty/controllers/member_points_controller'
import { Rewards } from '#app/loyalty/actions/rewards'
import { DomainError } from '#app/shared/errors/domain_error'

/**
 * The request body with deprecated snake_case names moved to their camelCase
 * names (`idempotency_key` → `idempotencyKey`, `reward_id` → `rewardId`).
 * Sending both with different values is refused; using an old name sets the
 * `Deprecation` response header.
 */
function camelBody(ctx: Pick<HttpContext, 'request' | 'response'>) {
  const body: Record<string, unknown> = { ...ctx.request.body() }
  const used: string[] = []
  for (const [old, name] of Object.entries(DEPRECATED_API_FIELDS)) {
    if (!(old in body)) continue
    used.push(old)
    if (name in body && body[name] !== body[old]) {
      throw new DomainError('E_PARAM_CONFLICT', 'loyalty.errors.param_conflict', 422, {
        field: name,
        alias: old,
      })
    }
    body[name] = body[old]
    delete body[old]
  }
  if (used.length > 0) {
    ctx.response.header('Deprecation', 'true')
    ctx.response.header('X-Deprecated-Fields', used.join(', '))
  }
  return body
}

/** camelCase fields; the snake_case ones are kept, deprecated, for one release. */
function serializePosting(posting: Posting) {
  return {
    id: posting.id,
    kind: posting.kind,
    amount: posting.amount,
    pendingAmount: posting.pendingAmount,
    sourceType: posting.sourceType,
    sourceId: posting.sourceId,
    reason: posting.reason,
    replayed: !posting.created,
    pending_amount: posting.pendingAmount,
    source_type: posting.sourceType,
    source_id: posting.sourceId,
  }
}

/** /api/v1/members/:id/points: the ledger (keyset-paged), redeem and adjust with an idempotency key. */
export default class MemberPointsApiController {
  async index({ params, request }: HttpContext) {
    const company = await currentCompany()
    const member = await findMember(company.id, Number(params.id))
    const query = await request.validateUsing(apiLedgerValidator, { data: request.qs() })
    const [summary, page] = await Promise.all([
      loyaltySummaryFor(member.id),
      new MemberPoints().ledger(member.id, { cursor: query.cursor, limit: query.limit ?? 50 }),
    ])
    return {
      data: page.entries.map((entry) => ({
        id: entry.id,
        kind: entry.kind,
        amount: entry.amount,
        pendingAmount: entry.pendingAmount,
        shortfall: entry.shortfall,
        sourceType: entry.sourceType,
        sourceId: entry.sourceId,
        reason: entry.reason,
        actorId: entry.actorId,
        createdAt: entry.createdAt.toISO(),
        // Deprecated snake_case names, kept for one release.
        pending_amount: entry.pendingAmount,
        source_type: entry.sourceType,
        source_id: entry.sourceId,
        actor_id: entry.actorId,
        created_at: entry.createdAt.toISO(),
      })),
      meta: { next: page.next, available: summary.available, pending: summary.pending },
    }
  }

  /** Members with available points expiring within `days` (marketing reminders), most points first. */
  async expiring({ request }: HttpContext) {
    const company = await currentCompany()
    const query = await request.validateUsing(apiExpiringValidator, { data: request.qs() })
    const rows = await pointsExpiringWithin(company.id, query.days, { limit: query.limit ?? 1000 })
    return {
      data: rows.map((row) => ({
        memberId: row.memberId,
        points: row.points,
        firstExpiry: row.firstExpiry.toISO(),
        // Deprecated snake_case names, kept for one release.
        member_id: row.memberId,
        first_expiry: row.firstExpiry.toISO(),
      })),
    }
  }

  async redeem({ params, request, auth, response }: HttpContext) {
    const company = await currentCompany()
    const member = await findMember(company.id, Number(params.id))
    const input = await request.validateUsing(apiRedeemValidator, {
      data: camelBody({ request, response }),
    })
    if ((input.points === undefined) === (input.rewardId === undefined)) {
      throw new DomainError('E_REDEEM_TARGET', 'loyalty.errors.redeem_target', 422)
    }
    const ref = { companyId: company.id, memberId: member.id }
    if (input.rewardId !== undefined) {
      const result = await new Rewards().redeem(
        ref,
        { rewardId: input.rewardId, idempotencyKey: `api:${input.idempotencyKey}` },
        auth.user!
      )
      response.status(result.created ? 201 : 200)
      return {
        data: {
          redemption: {
            id: result.id,
            rewardId: result.reward.id,
            rewardName: result.reward.name,
            points: result.reward.pointsCost,
            replayed: !result.created,
            // Deprecated snake_case names, kept for one release.
            reward_id: result.reward.id,
            reward_name: result.reward.name,
          },
          ...(await loyaltySummaryFor(member.id)),
        },
      }
    }
    const posting = await new PointsLedger().redeem(ref, {
      points: input.points!,
      idempotencyKey: `api:${input.idempotencyKey}`,
      actorId: auth.user!.id,
      reason: input.reason ?? null,
    })
    response.status(posting.created ? 201 : 200)
    return { data: { posting: serializePosting(posting), ...(await loyaltySummaryFor(member.id)) } }
  }

  /** Cancels a reward redemption: points back to their original lots, the unit back to stock. Idempotent. */
  async cancelRedemption({ params, auth }: HttpContext) {
    const company = await currentCompany()
    const member = await findMember(company.id, Number(params.id))
    const redemption = await db
      .from('loyalty_redemptions')
      .where({ id: Number(params.redemptionId), member_id: member.id, company_id: company.id })
      .first()
    if (!redemption) throw new DomainError('E_NOT_FOUND', 'loyalty.errors.not_found', 404)
    await new Rewards().cancel(company.id, Number(redemption.id), auth.user!)
    return {
      data: {
        redemption: { id: Number(redemption.id), status: 'cancelled' },
        ...(await loyaltySummaryFor(member.id)),
      },
    }
  }

  async adjust({ params, request, auth, response }: HttpContext) {
    const company = await currentCompany()
    const member = await findMember(company.id, Number(params.id))
    const input = await request.validateUsing(apiAdjustValidator, {
      data: camelBody({ request, response }),
    })
    const posting = await new PointsLedger().adjust(
      { companyId: company.id, memberId: member.id },
      {
        points: input.points,
        reason: input.reason,
        idempotencyKey: `api:${input.idempotencyKey}`,
        actor: auth.user!,
      }
    )
    response.status(posting.created ? 201 : 200)
    return { data: { posting: serializePosting(posting), ...(await loyaltySummaryFor(member.id)) } }
  }
}
