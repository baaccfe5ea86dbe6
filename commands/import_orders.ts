import { args, BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/** Imports orders from a CSV file (UTF-8 or GBK); see docs/import.md. */
export default class ImportOrders extends BaseCommand {
  static commandName = 'import:orders'
  static description =
    'Import orders from a CSV file (UTF-8 with/without BOM, GBK/GB18030); see docs/import.md'
  static options: CommandOptions = { startApp: true }

  @args.string({ description: 'Path of the CSV file' })
  declare file: string

  @flags.boolean({ description: 'Check and count everything, keep nothing' })
  declare dryRun: boolean

  @flags.string({ description: 'Shop name for files without a shop column' })
  declare shop: string

  async run() {
    const { runCliImport } = await import('#app/members/imports/cli')
    await runCliImport(this, 'orders', this.file, { dryRun: this.dryRun, shop: this.shop })
  }
}
