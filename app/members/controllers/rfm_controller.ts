import { currentCompany } from '#app/organization/current_company'
import type { HttpContext } from '@adonisjs/core/http'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import queue from '#app/shared/queue/queue'
import { RecomputeRfm, type Thresholds } from '#app/members/actions/recompute_rfm'
import { UpdateRfmSettings } from '#app/members/actions/update_rfm_settings'
import { rfmSettingsValidator } from '#app/members/validators/member'
import { recomputeRfmJob } from '#app/members/jobs/recompute_rfm_job'

/** RFM segments and lifecycle stages with counts; each links to the filtered member list. */
export default class RfmController {
  async show({ view, i18n }: HttpContext) {
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
    const chart = (rows: { code: string; members: number; spentFen?: number }[], kind: string) =>
      rows.map((entry) => ({
        code: entry.code,
        label: i18n.t(`members.rfm.${kind}.${entry.code}`),
        members: entry.members,
        spentFen: entry.spentFen ?? 0,
      }))
    return view.render('pages/members/rfm', {
      ...summary,
      settings,
      computedAt,
      charts: {
        segments: chart(summary.segments, 'segments'),
        stages: chart(summary.stages, 'stages'),
        labels: {
          members: i18n.t('members.rfm.members'),
          gmv: i18n.t('members.rfm.gmv'),
        },
      },
    })
  }

  /** GET /members/rfm/settings */
  async settings({ view }: HttpContext) {
    const company = await currentCompany()
    const settings = await new RecomputeRfm().settings(company.id)
    return view.render('pages/members/rfm_settings', { settings })
  }

  /** POST /members/rfm/settings: save (audited) and recompute in the background. */
  async saveSettings({ request, auth, response, session, i18n }: HttpContext) {
    const company = await currentCompany()
    const input = await request.validateUsing(rfmSettingsValidator)
    await new UpdateRfmSettings().handle(
      company.id,
      {
        windowDays: input.windowDays,
        highScore: input.highScore,
        newDays: input.newDays,
        activeDays: input.activeDays,
        lostDays: input.lostDays,
        scoring: input.scoring,
        rThresholds: input.r as Thresholds,
        fThresholds: input.f as Thresholds,
        mThresholds: input.m.map((yuan) => Math.round(yuan * 100)) as Thresholds,
      },
      auth.user!
    )
    await queue.dispatch(recomputeRfmJob, { companyId: company.id }, { requestedBy: auth.user })
    session.flash('success', i18n.t('members.rfm_settings.saved'))
    return response.redirect().toRoute('members.rfm')
  }

  async recompute({ auth, response, session, i18n }: HttpContext) {
    const company = await currentCompany()
    await queue.dispatch(recomputeRfmJob, { companyId: company.id }, { requestedBy: auth.user })
    session.flash('success', i18n.t('members.rfm.recompute_started'))
    return response.redirect().toRoute('members.rfm')
  }
}
