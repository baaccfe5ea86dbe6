import { randomUUID } from 'node:crypto'
import type { HttpContext } from '@adonisjs/core/http'
import { DateTime } from 'luxon'
import { currentCompany } from '#app/organization/current_company'
import { userZone } from '#app/shared/kernel/time'
import Member from '#app/members/models/member'
import Benefit from '#app/benefits/models/benefit'
import { ClaimBenefit } from '#app/benefits/actions/claim_benefit'
import { ManageBenefits } from '#app/benefits/actions/manage_benefits'
import { claimValidator, memberGrantValidator } from '#app/benefits/validators/benefit'

/** The member page's benefits: what is left this period, claim one, grant one by hand. */
export default class MemberBenefitsController {
  async index({ params, request, response, view }: HttpContext) {
    const { member, data } = await this.#section(params.id)
    response.header('Vary', 'HX-Request')
    if (request.header('HX-Request'))
      return view.render('components/benefits/member_benefits', data)
    return view.render('pages/benefits/member', { ...data, member })
  }

  async claim({ params, request, response, auth, session, i18n }: HttpContext) {
    const company = await currentCompany()
    const member = await this.#member(company.id, params.id)
    const input = await request.validateUsing(claimValidator)
    const claim = await new ClaimBenefit().handle({
      companyId: company.id,
      memberId: member.id,
      benefitId: input.benefitId,
      idempotencyKey: `ui:${input.idempotencyKey}`,
      channel: 'ui',
      note: input.note,
      actor: auth.user!,
    })
    session.flash('success', i18n.t('benefits.claimed', { name: claim.benefit.name }))
    return response.redirect().toRoute('members.show', { id: member.id })
  }

  async grant({ params, request, response, auth, session, i18n }: HttpContext) {
    const company = await currentCompany()
    const member = await this.#member(company.id, params.id)
    const input = await request.validateUsing(memberGrantValidator)
    const benefit = await Benefit.query()
      .where('companyId', company.id)
      .where('id', input.benefitId)
      .whereNull('archivedAt')
      .firstOrFail()
    const day = DateTime.fromJSDate(input.validUntil).toISODate()!
    await new ManageBenefits().grantToMember(
      benefit,
      member.id,
      {
        validUntil: DateTime.fromISO(day, { zone: userZone(auth.user) })
          .endOf('day')
          .toUTC(),
        reason: input.reason,
      },
      auth.user!
    )
    session.flash('success', i18n.t('benefits.granted', { name: benefit.name }))
    return response.redirect().toRoute('members.show', { id: member.id })
  }

  async #member(companyId: number, id: number) {
    return Member.query()
      .where('company_id', companyId)
      .where('id', id)
      .whereNull('erased_at')
      .firstOrFail()
  }

  async #section(id: number) {
    const company = await currentCompany()
    const member = await this.#member(company.id, id)
    const [available, catalogue] = await Promise.all([
      new ClaimBenefit().available(company.id, member.id),
      Benefit.query().where('companyId', company.id).whereNull('archivedAt').orderBy('id'),
    ])
    return { member, data: { member, available, catalogue, requestKey: randomUUID() } }
  }
}
