import { currentCompany } from '#app/organization/current_company'
import type { HttpContext } from '@adonisjs/core/http'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import queue from '#app/shared/queue/queue'
import { RecomputeRfm } from '#app/members/actions/recompute_rfm'
import { recomputeRfmJob } from '#app/members/jobs/recompute_rfm_job'

/** RFM segments and lifecycle stages with counts; each links to the filtered member list. */
export default class RfmController {
  async show({ view }: HttpContext) {
    const company = await currentCompany()
    const rfm = new RecomputeRfm()
    const [summary, settings, row] = await Promise.all([
      rfm.summary(company.id),
      rfm.settings(company.id),
      db.from('member_rfm_settings').where('company_id', company.id).first(),
    ])
    const raw = row?.computed_at ?? null
    const computedAt =
      raw === null
        ? null
        : raw instanceof Date
          ? DateTime.fromJSDate(raw)
          : DateTime.fromSQL(String(raw), { zone: 'utc' })
    return view.render('pages/members/rfm', { ...summary, settings, computedAt })
  }

  async recompute({ auth, response, session, i18n }: HttpContext) {
    const company = await currentCompany()
    await queue.dispatch(recomputeRfmJob, { companyId: company.id }, { requestedBy: auth.user })
    session.flash('success', i18n.t('members.rfm.recompute_started'))
    return response.redirect().toRoute('members.rfm')
  }
}
