import type { ApplicationService } from '@adonisjs/core/types'

/**
 * Loads plugins with the app: nothing in `register` (no I/O); discovery,
 * validation and each plugin's `ready` happen in `ready`. A plugin that
 * fails is disabled with its reason and the app starts anyway (unless its
 * plugin.json says `"onBootFailure": "abort"`). Ace commands load plugins
 * only when they need them (`plugins:list`, `queue:work` on first job).
 */
export default class PluginsProvider {
  constructor(protected app: ApplicationService) {}

  async ready() {
    const environment = this.app.getEnvironment()
    if (environment !== 'web' && environment !== 'test') return
    const { pluginHost } = await import('#app/plugins/plugin_host')
    await pluginHost.ensureLoaded()
  }

  async shutdown() {
    const { pluginHost } = await import('#app/plugins/plugin_host')
    await pluginHost.shutdown()
    const { closeRateGate } = await import('#app/plugins/rate_gate')
    await closeRateGate()
  }
}
