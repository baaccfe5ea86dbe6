import type { HttpContext } from '@adonisjs/core/http'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import { currentCompany } from '#app/organization/current_company'
import { DEFAULT_ZONE } from '#app/shared/kernel/time'
import Benefit from '#app/benefits/models/benefit'
import BenefitGrant from '#app/benefits/models/benefit_grant'
import { ManageBenefits } from '#app/benefits/actions/manage_benefits'
import { benefitValidator, tierGrantValidator } from '#app/benefits/validators/benefit'
import { AuditLog } from '#app/shared/audit/audit_log'
import { CSV_BOM, csvLine } from '#app/shared/kernel/csv'

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
    const zone = company.timezone || DEFAULT_ZONE
    const monthStart = DateTime.now().setZone(zone).startOf('month')
    const manage = new ManageBenefits()
    const [usage, monthly] = await Promise.all([
      manage.usage(company.id, monthStart),
      manage.monthlyUsage(company.id, zone, 6),
    ])
    return view.render('pages/benefits/index', { benefits, tiers, grants, usage, monthly })
  }

  /** 使用报表 for the last 24 months as CSV (one line per benefit and month); audit-logged. */
  async usageCsv({ auth, response, i18n }: HttpContext) {
    const company = await currentCompany()
    const monthly = await new ManageBenefits().monthlyUsage(
      company.id,
      company.timezone || DEFAULT_ZONE,
      24
    )
    let body =
      CSV_BOM +
      csvLine(['month', 'benefit', 'claims', 'members'].map((c) => i18n.t(`benefits.report.${c}`)))
    let lines = 0
    for (const [m, month] of monthly.months.entries()) {
      for (const row of monthly.rows) {
        const cell = row.byMonth[m]
        if (!cell.claims) continue
        body += csvLine([month, row.name, cell.claims, cell.members])
        lines++
      }
    }
    await AuditLog.record({
      entityType: 'company',
      entityId: company.id,
      action: 'benefits.usage.export',
      context: { months: monthly.months.length, rows: lines },
      actor: auth.user!,
    })
    response.header('Content-Type', 'text/csv; charset=utf-8')
    response.header('Content-Disposition', 'attachment; filename="benefit-usage.csv"')
    return body
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
