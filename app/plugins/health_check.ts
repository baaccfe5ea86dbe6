import { BaseCheck, Result } from '@adonisjs/core/health'
import type { HealthCheckResult } from '@adonisjs/core/types/health'
import { pluginHost } from '#app/plugins/plugin_host'

/**
 * Plugins in /health: a failed plugin is a warning (Quanzi keeps serving
 * without it), listed with its reason in the metadata.
 */
export class PluginsCheck extends BaseCheck {
  name = 'Plugins check'

  async run(): Promise<HealthCheckResult> {
    const plugins = pluginHost.list().map((p) => ({
      id: p.id,
      version: p.version,
      status: p.status,
      reason: p.reason,
    }))
    const failed = plugins.filter((p) => p.status === 'failed')
    const result = failed.length
      ? Result.warning(
          `${failed.length} plugin(s) failed: ${failed.map((p) => `${p.id} (${p.reason})`).join('; ')}`
        )
      : Result.ok(`${plugins.filter((p) => p.status === 'active').length} plugin(s) active`)
    return result.mergeMetaData({ plugins })
  }
}
