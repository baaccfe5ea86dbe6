import type { HttpContext } from '@adonisjs/core/http'
import { currentCompany } from '#app/organization/current_company'
import Member from '#app/members/models/member'
import { ClaimBenefit } from '#app/benefits/actions/claim_benefit'
import { claimValidator } from '#app/benefits/validators/benefit'

/** /api/v1/members/:id/benefits: what a member may use now, and claiming a use (核销) from a till or service desk. */
export default class ApiMemberBenefitsController {
  async index({ params }: HttpContext) {
    const company = await currentCompany()
    const member = await Member.query()
      .where('company_id', company.id)
      .where('id', params.id)
      .firstOrFail()
    const available = await new ClaimBenefit().available(company.id, member.id)
    return {
      data: available.map((item) => ({
        benefitId: item.benefit.id,
        name: item.benefit.name,
        kind: item.benefit.kind,
        period: item.benefit.period,
        quota: item.benefit.quota,
        used: item.used,
        left: item.left,
        fromTier: item.tierId,
        validUntil: item.grant.validUntil?.toISO() ?? null,
      })),
    }
  }

  async claim({ params, request, response, auth }: HttpContext) {
    const company = await currentCompany()
    const member = await Member.query()
      .where('company_id', company.id)
      .where('id', params.id)
      .firstOrFail()
    const input = await request.validateUsing(claimValidator)
    const claim = await new ClaimBenefit().handle({
      companyId: company.id,
      memberId: member.id,
      benefitId: input.benefitId,
      idempotencyKey: `api:${input.idempotencyKey}`,
      channel: 'api',
      note: input.note,
      actor: auth.user!,
    })
    response.status(201)
    return {
      data: {
        claimId: claim.claimId,
        benefitId: claim.benefit.id,
        period: claim.periodKey,
        left: claim.left,
      },
    }
  }
}
