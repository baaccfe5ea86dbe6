import { existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { args, BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/**
 * Scaffolds a working plugin: plugins/<id>/plugin.json, plugins/<id>/index.ts
 * and tests/functional/plugins/<id>.spec.ts (a test against a local fake).
 * Needs no database.
 */
export default class MakePlugin extends BaseCommand {
  static commandName = 'make:plugin'
  static description =
    'Create a plugin skeleton with a test: make:plugin <id> --kind channel|erp|notifier'
  static options: CommandOptions = { startApp: false }

  @args.string({ description: 'Plugin id: lower-case letters, digits and dashes (my-sms)' })
  declare id: string

  @flags.string({ description: 'channel, erp or notifier', default: 'channel' })
  declare kind: string

  @flags.string({ description: 'Project root to write into (default: this install)' })
  declare root?: string

  async run() {
    const { scaffoldPlugin } = await import('#app/plugins/scaffold')
    const { PLUGIN_KINDS } = await import('#app/plugins/sdk/index')
    if (!/^[a-z][a-z0-9-]{1,48}[a-z0-9]$/.test(this.id)) {
      this.logger.error(
        'id must be 3–50 lower-case letters, digits or dashes, starting with a letter'
      )
      this.exitCode = 1
      return
    }
    if (!(PLUGIN_KINDS as readonly string[]).includes(this.kind)) {
      this.logger.error(`--kind must be one of ${PLUGIN_KINDS.join(', ')}`)
      this.exitCode = 1
      return
    }
    const root = resolve(this.root ?? this.app.makePath())
    if (existsSync(join(root, 'plugins', this.id))) {
      this.logger.error(`plugins/${this.id} already exists`)
      this.exitCode = 1
      return
    }
    const pkg = JSON.parse(await readFile(this.app.makePath('package.json'), 'utf8'))
    for (const file of scaffoldPlugin(this.id, this.kind as any, pkg.version)) {
      const target = join(root, file.path)
      await mkdir(dirname(target), { recursive: true })
      await writeFile(target, file.contents)
      this.logger.success(`created ${file.path}`)
    }
    this.logger.info(
      `next: fill in plugins/${this.id}/index.ts, run node ace test --files tests/functional/plugins/${this.id.replaceAll('-', '_')}.spec.ts, then configure it under Settings → Plugins`
    )
  }
}
