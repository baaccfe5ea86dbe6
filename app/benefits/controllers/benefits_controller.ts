import type { HttpContext } from '@adonisjs/core/http'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import { currentCompany } from '#app/organization/current_company'
import { DEFAULT_ZONE } from '#app/shared/kernel/time'
import Benefit from '#app/benefits/models/benefit'
import BenefitGrant from '#app/benefits/models/benefit_grant'
import { ManageBenefits } from '#app/benefits/actions/manage_benefits'
import { benefitValidator, tierGrantValidator } from '#app/benefits/validators/benefit'

/** 权益: the catalogue, which tiers hold what, and how much each is used. */
export default class BenefitsController {
  async index({ view }: HttpContext) {
    const company = await currentCompany()
    const [benefits, tiers, grants] = await Promise.all([
      Benefit.query().where('companyId', company.id).whereNull('archivedAt').orderBy('id'),
      db
        .from('loyalty_tiers')
        .where('company_id', company.id)
        .orderBy('threshold')
        .select('id', 'name', 'color'),
      BenefitGrant.query()
        .where('companyId', company.id)
        .whereNotNull('tierId')
        .whereNull('revokedAt'),
    ])
    const monthStart = DateTime.now().setZone(DEFAULT_ZONE).startOf('month')
    const usage = await new ManageBenefits().usage(company.id, monthStart)
    return view.render('pages/benefits/index', { benefits, tiers, grants, usage })
  }

  async store({ request, response, auth, session, i18n }: HttpContext) {
    const company = await currentCompany()
    const input = await request.validateUsing(benefitValidator)
    const benefit = await new ManageBenefits().create(company.id, input, auth.user!)
    session.flash('success', i18n.t('benefits.created', { name: benefit.name }))
    return response.redirect().toRoute('benefits.index')
  }

  async grantTier({ params, request, response, auth }: HttpContext) {
    const company = await currentCompany()
    const benefit = await Benefit.query()
      .where('companyId', company.id)
      .where('id', params.id)
      .firstOrFail()
    const { tierId } = await request.validateUsing(tierGrantValidator)
    await new ManageBenefits().grantToTier(benefit, tierId, auth.user!)
    return response.redirect().toRoute('benefits.index')
  }

  async revokeGrant({ params, response, auth }: HttpContext) {
    const company = await currentCompany()
    const grant = await BenefitGrant.query()
      .where('companyId', company.id)
      .where('id', params.id)
      .firstOrFail()
    await new ManageBenefits().revoke(grant, auth.user!)
    return response.redirect().back()
  }
}
