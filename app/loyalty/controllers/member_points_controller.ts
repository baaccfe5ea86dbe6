import type { HttpContext } from '@adonisjs/core/http'
import { randomUUID } from 'node:crypto'
import { DateTime } from 'luxon'
import { currentCompany } from '#app/organization/current_company'
import { DomainError } from '#app/shared/errors/domain_error'
import { PointsLedger } from '#app/loyalty/services/points_ledger'
import {
  MemberPoints,
  loyaltySummaryFor,
  pointsExpiringWithin,
} from '#app/loyalty/services/loyalty_queries'
import {
  adjustValidator,
  manualTierValidator,
  redeemRewardValidator,
} from '#app/loyalty/validators/loyalty'
import { Rewards } from '#app/loyalty/actions/rewards'
import { Tiers } from '#app/loyalty/services/tiers'
import { userZone } from '#app/shared/kernel/time'
import Member from '#app/members/models/member'

export async function findMember(companyId: number, id: number) {
  const member = await Member.query().where({ id, companyId }).first()
  if (!member) throw new DomainError('E_NOT_FOUND', 'members.errors.not_found', 404)
  return member
}

/** The points section of the member 360 page (an htmx fragment) and staff adjustments. */
export default class MemberPointsController {
  async show({ view, params, request, response }: HttpContext) {
    const tiers = new Tiers()
    const company = await currentCompany()
    const member = await findMember(company.id, Number(params.id))
    const points = new MemberPoints()
    const [
      summary,
      lots,
      ledger,
      shortfall,
      expiring,
      progress,
      tierList,
      tierHistory,
      rewards,
      redemptions,
    ] = await Promise.all([
      loyaltySummaryFor(member.id),
      points.openLots(member.id),
      points.ledger(member.id, { cursor: request.input('cursor'), limit: 20 }),
      points.shortfall(member.id),
      pointsExpiringWithin(company.id, 30, { memberId: member.id }),
      tiers.progress(company.id, member.id),
      tiers.list(company.id),
      tiers.historyOf(member.id),
      new Rewards().list(company.id, { activeOnly: true }),
      new Rewards().redemptionsOf(member.id),
    ])
    response.header('Vary', 'HX-Request')
    const template = request.header('HX-Request')
      ? 'components/loyalty/member_points'
      : 'pages/loyalty/member_points'
    return view.render(template, {
      member,
      summary,
      lots,
      ledger,
      shortfall,
      expiring30: expiring[0]?.points ?? 0,
      progress,
      tierList,
      tierHistory,
      rewards,
      redemptions,
      idempotencyKey: randomUUID(),
      now: DateTime.utc(),
    })
  }

  async setTier({ params, request, auth, response, session, i18n }: HttpContext) {
    const company = await currentCompany()
    const member = await findMember(company.id, Number(params.id))
    const input = await request.validateUsing(manualTierValidator)
    const until = input.until
      ? DateTime.fromISO(input.until, { zone: userZone(auth.user) })
          .endOf('day')
          .toUTC()
      : null
    await new Tiers().setManual(
      company.id,
      member.id,
      { tierId: input.tierId ?? null, reason: input.reason, until },
      auth.user!
    )
    session.flash('success', i18n.t('loyalty.tiers.manual_done'))
    return response.redirect().toRoute('members.show', { id: member.id })
  }

  async redeem({ params, request, auth, response, session, i18n }: HttpContext) {
    const company = await currentCompany()
    const member = await findMember(company.id, Number(params.id))
    const input = await request.validateUsing(redeemRewardValidator)
    const result = await new Rewards().redeem(
      { companyId: company.id, memberId: member.id },
      { rewardId: input.rewardId, idempotencyKey: `ui:${input.idempotencyKey}` },
      auth.user!
    )
    session.flash(
      'success',
      i18n.t(result.created ? 'loyalty.rewards.redeemed' : 'loyalty.adjust.already_done', {
        name: result.reward.name,
      })
    )
    return response.redirect().toRoute('members.show', { id: member.id })
  }

  async cancelRedemption({ params, auth, response, session, i18n }: HttpContext) {
    const company = await currentCompany()
    const member = await findMember(company.id, Number(params.id))
    await new Rewards().cancel(company.id, Number(params.redemptionId), auth.user!)
    session.flash('success', i18n.t('loyalty.rewards.cancelled'))
    return response.redirect().toRoute('members.show', { id: member.id })
  }

  async adjust({ params, request, auth, response, session, i18n }: HttpContext) {
    const company = await currentCompany()
    const member = await findMember(company.id, Number(params.id))
    const input = await request.validateUsing(adjustValidator)
    const posting = await new PointsLedger().adjust(
      { companyId: company.id, memberId: member.id },
      {
        points: input.points,
        reason: input.reason,
        idempotencyKey: `ui:${input.idempotencyKey}`,
        actor: auth.user!,
      }
    )
    session.flash(
      'success',
      i18n.t(posting.created ? 'loyalty.adjust.done' : 'loyalty.adjust.already_done')
    )
    return response.redirect().toRoute('members.show', { id: member.id })
  }
}
