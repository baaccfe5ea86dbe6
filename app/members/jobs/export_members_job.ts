import i18nManager from '@adonisjs/i18n/services/main'
import { defineJob } from '#app/shared/queue/define_job'
import { AuditLog } from '#app/shared/audit/audit_log'
import User from '#app/identity/models/user'
import { memberFiltersValidator } from '#app/members/validators/member'
import { ExportMembers, type ExportSubject } from '#app/members/actions/export_members'
import type { TableFormat } from '#app/shared/storage/table_file'
import { userZone } from '#app/shared/kernel/time'

export interface ExportMembersPayload {
  companyId: number
  userId: number
  /** The list's query string, re-validated when the job runs. */
  filters: Record<string, unknown>
  unmask: boolean
  /** Absent on runs queued before orders and XLSX could be exported: members, CSV. */
  subject?: ExportSubject
  format?: TableFormat
}

/** What a run exports and its file name on the drive disk. */
export function memberExportFile(runId: number, payload: ExportMembersPayload) {
  const subject = payload.subject ?? 'members'
  const format = payload.format ?? 'csv'
  return { subject, format, key: `exports/${subject}-${runId}.${format}` }
}

/**
 * 导出会员 / 导出订单 as a job: streams the file, then records the export
 * (what, format, filter and row count) in the audit log.
 */
export const exportMembersJob = defineJob<ExportMembersPayload>({
  name: 'members.export',
  maxAttempts: 2,
  async handle({ payload, run, report }) {
    const user = await User.findOrFail(payload.userId)
    const filters = await memberFiltersValidator.validate(payload.filters)
    // Every page, not just the one on screen.
    const everyPage = { ...filters, after: undefined }
    const i18n = i18nManager.locale(user.locale ?? i18nManager.defaultLocale)

    const file = memberExportFile(run.id, payload)
    const { rows } = await new ExportMembers().handle(file.key, {
      companyId: payload.companyId,
      filters: everyPage,
      subject: file.subject,
      format: file.format,
      zone: userZone(user),
      unmask: payload.unmask,
      i18n,
      onProgress: (members) => report({ members }),
    })

    await AuditLog.record({
      entityType: 'member',
      action: 'export',
      actor: user,
      context: {
        run: run.id,
        subject: file.subject,
        format: file.format,
        rows,
        filters: payload.filters,
        phones: payload.unmask ? 'full' : 'masked',
      },
    })
    return { rows }
  },
})
