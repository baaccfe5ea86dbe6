import { BaseCommand, args } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { readdir } from 'node:fs/promises'

/**
 * `npm run bench -- <suite>`: runs bench/<suite>.ts against the configured
 * database and prints one `<suite>.<figure>: <number> <unit>` line per
 * figure. Speed targets are checked here, never by timed tests.
 */
export default class Bench extends BaseCommand {
  static commandName = 'bench'
  static description = 'Run a benchmark suite from bench/ and print its figures'
  /** Suites read their own `--name=value` flags (e.g. `members --members=1000000`). */
  static options: CommandOptions = { startApp: true, allowUnknownFlags: true }

  @args.string({ description: 'Suite name (file in bench/ without .ts)', required: false })
  declare suite?: string

  async run() {
    const files = await readdir(this.app.makePath('bench'))
    const available = files
      .filter((file) => file.endsWith('.ts') && !file.startsWith('_'))
      .map((file) => file.replace(/\.ts$/, ''))

    if (!this.suite || !available.includes(this.suite)) {
      this.logger.error(`Choose a suite: ${available.join(', ')}`)
      this.exitCode = 1
      return
    }

    const { default: runSuite } = await import(this.app.makeURL(`bench/${this.suite}.ts`).href)
    const suite = this.suite
    const flags: Record<string, string> = {}
    for (const [name, value] of Object.entries(this.parsed.flags)) flags[name] = String(value)
    await runSuite({
      app: this.app,
      flags,
      report: (figure: string, value: number, unit: string) => {
        const rounded = Number.isInteger(value) ? value : Number(value.toFixed(2))
        console.log(`${suite}.${figure}: ${rounded} ${unit}`)
      },
    })
  }
}
