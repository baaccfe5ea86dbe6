import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { AuditLog, type AuditActor } from '#app/shared/audit/audit_log'
import { DomainError } from '#app/shared/errors/domain_error'
import { RecomputeRfm, type RfmSettings, type Thresholds } from '#app/members/actions/recompute_rfm'
import { toDbTime } from '#app/shared/kernel/db_values'

/**
 * RFM settings per company (window, quintiles or fixed thresholds, what
 * counts as high, lifecycle day thresholds). Audit-logged with before and
 * after; the caller starts a recompute so segments follow the new rules.
 */
export class UpdateRfmSettings {
  async handle(companyId: number, next: RfmSettings, actor: AuditActor | null) {
    this.check(next)
    const before = await new RecomputeRfm().settings(companyId)
    return db.transaction(async (trx) => {
      const now = toDbTime(DateTime.utc(), trx)
      const row = RecomputeRfm.settingsRow(next)
      const existing = await trx.from('member_rfm_settings').where('company_id', companyId).first()
      if (existing) {
        await trx
          .from('member_rfm_settings')
          .where('id', existing.id)
          .update({ ...row, updated_at: now })
      } else {
        await trx
          .table('member_rfm_settings')
          .insert({ company_id: companyId, ...row, created_at: now, updated_at: now })
      }
      const flat = (s: RfmSettings) => ({
        ...s,
        rThresholds: s.rThresholds.join(','),
        fThresholds: s.fThresholds.join(','),
        mThresholds: s.mThresholds.join(','),
      })
      await AuditLog.record({
        entityType: 'member_rfm_settings',
        entityId: companyId,
        action: 'members.rfm_settings_updated',
        before: flat(before),
        after: flat(next),
        actor,
        client: trx,
      })
    })
  }

  private check(s: RfmSettings) {
    const fail = (reason: string) => {
      throw new DomainError('E_RFM_SETTINGS', `members.rfm_settings.errors.${reason}`, 422)
    }
    if (!(s.newDays <= s.activeDays && s.activeDays < s.lostDays)) fail('stage_order')
    const ascending = (t: Thresholds) => t.every((v, i) => i === 0 || v > t[i - 1])
    if (s.scoring === 'thresholds') {
      if (![s.rThresholds, s.fThresholds, s.mThresholds].every(ascending)) fail('ascending')
      if (s.rThresholds[3] > s.windowDays) fail('recency_window')
    }
  }
}
