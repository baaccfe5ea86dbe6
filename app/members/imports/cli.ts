import { basename, resolve } from 'node:path'
import type { BaseCommand } from '@adonisjs/core/ace'
import type { ImportKind } from '#app/members/models/import'

/**
 * What `node ace import:members|orders|refunds FILE` do: run the import
 * (recorded in the imports table unless --dry-run) and end with the line
 * `rows=N inserted=A updated=B duplicates=C rejected=D`.
 */
export async function runCliImport(
  command: BaseCommand,
  kind: ImportKind,
  file: string,
  flags: { dryRun?: boolean; shop?: string; rejects?: string }
) {
  const { findCurrentCompany } = await import('#app/organization/current_company')
  const { default: Shop } = await import('#app/organization/models/shop')
  const { RunImport } = await import('#app/members/imports/run_import')
  const { ExecuteImport } = await import('#app/members/actions/execute_import')
  const { DomainError } = await import('#app/shared/errors/domain_error')

  const path = resolve(file)
  const company = await findCurrentCompany()
  if (!company) {
    command.logger.error('No company yet: run `node ace setup` first')
    command.exitCode = 1
    return
  }
  let defaultShopId: number | null = null
  if (flags.shop) {
    const shop = await Shop.query().where({ companyId: company.id, name: flags.shop }).first()
    if (!shop) {
      command.logger.error(`Unknown shop: ${flags.shop}`)
      command.exitCode = 1
      return
    }
    defaultShopId = shop.id
  }

  try {
    let summary
    if (flags.dryRun) {
      summary = await new RunImport().handle({
        companyId: company.id,
        kind,
        path,
        dryRun: true,
        defaultShopId,
        rejectsPath: flags.rejects ? resolve(flags.rejects) : null,
      })
    } else {
      const execute = new ExecuteImport()
      const record = await execute.record({
        companyId: company.id,
        kind,
        fileName: basename(path),
        filePath: path,
        requestedById: null,
      })
      summary = await execute.handle(record, { defaultShopId })
      command.logger.info(
        `import #${record.id}; rejects: ${ExecuteImport.rejectsPathFor(record.id)}`
      )
      if (summary.inserted + summary.updated > 0) {
        // Only the members whose orders changed (member_rfm_dirty), as the import job does.
        const { recomputeDirtyMembers } = await import('#app/members/jobs/incremental_rfm_job')
        const { memberIds, full } = await recomputeDirtyMembers(company.id)
        command.logger.info(
          full
            ? 'RFM segments and lifecycle stages recomputed (first ranking: all members)'
            : `RFM segments and lifecycle stages recomputed for ${memberIds.length} members`
        )
      }
    }
    command.logger.info(
      `format=${summary.format} encoding=${summary.encoding} preset=${summary.preset}`
    )
    if (summary.unknownColumns.length)
      command.logger.info(`ignored columns: ${summary.unknownColumns.join(', ')}`)
    for (const reject of summary.rejects.slice(0, 20)) {
      command.logger.warning(
        `line ${reject.line}${reject.column ? ` [${reject.column}]` : ''}: ${reject.reason}`
      )
    }
    command.logger.log(
      `rows=${summary.rows} inserted=${summary.inserted} updated=${summary.updated} duplicates=${summary.duplicates} rejected=${summary.rejected}`
    )
  } catch (error) {
    if (error instanceof DomainError) {
      const { default: i18nManager } = await import('@adonisjs/i18n/services/main')
      command.logger.error(
        i18nManager.locale('en').t(error.translationKey, error.data as Record<string, any>)
      )
      command.exitCode = 1
      return
    }
    throw error
  }
}
