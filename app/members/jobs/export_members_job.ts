import i18nManager from '@adonisjs/i18n/services/main'
import { defineJob } from '#app/shared/queue/define_job'
import { AuditLog } from '#app/shared/audit/audit_log'
import User from '#app/identity/models/user'
import { memberFiltersValidator } from '#app/members/validators/member'
import { ExportMembers } from '#app/members/actions/export_members'
import { userZone } from '#app/shared/kernel/time'

export interface ExportMembersPayload {
  companyId: number
  userId: number
  /** The list's query string, re-validated when the job runs. */
  filters: Record<string, unknown>
  unmask: boolean
}

/** Where a run's file lives on the drive disk. */
export function memberExportKey(runId: number) {
  return `exports/members-${runId}.csv`
}

/** 导出会员 as a job: streams the CSV, then records the export (filter and row count) in the audit log. */
export const exportMembersJob = defineJob<ExportMembersPayload>({
  name: 'members.export',
  maxAttempts: 2,
  async handle({ payload, run, report }) {
    const user = await User.findOrFail(payload.userId)
    const filters = await memberFiltersValidator.validate(payload.filters)
    // Every page, not just the one on screen.
    const everyPage = { ...filters, after: undefined }
    const i18n = i18nManager.locale(user.locale ?? i18nManager.defaultLocale)

    const { rows } = await new ExportMembers().handle(memberExportKey(run.id), {
      companyId: payload.companyId,
      filters: everyPage,
      zone: userZone(user),
      unmask: payload.unmask,
      i18n,
      onProgress: (written) => report({ rows: written }),
    })

    await AuditLog.record({
      entityType: 'member',
      action: 'export',
      actor: user,
      context: {
        run: run.id,
        rows,
        filters: payload.filters,
        phones: payload.unmask ? 'full' : 'masked',
      },
    })
    return { rows }
  },
})
