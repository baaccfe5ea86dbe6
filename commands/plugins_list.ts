import { BaseCommand } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/**
 * Lists every plugin found, one line each: `<id> <version> <status> <reason>`
 * (`-` when there is no reason). Loads the plugins as the app would, so a
 * plugin that fails here fails at boot too. Without a reachable database,
 * saved settings are ignored (a warning is logged).
 */
export default class PluginsList extends BaseCommand {
  static commandName = 'plugins:list'
  static description = 'List plugins: <id> <version> <status> <reason>'
  static options: CommandOptions = { startApp: true }

  async run() {
    const { pluginHost, formatPluginLines } = await import('#app/plugins/plugin_host')
    // The list is the output (reasons included): keep log lines out of it.
    const { default: logger } = await import('@adonisjs/core/services/logger')
    const level = logger.level
    logger.level = 'silent'
    try {
      await pluginHost.ensureLoaded()
    } finally {
      logger.level = level
    }
    for (const line of formatPluginLines(pluginHost.list())) this.logger.log(line)
  }
}
