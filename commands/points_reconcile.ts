import { BaseCommand } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/** Checks every points account against its postings and lots; non-zero exit on any difference. */
export default class PointsReconcile extends BaseCommand {
  static commandName = 'points:reconcile'
  static description = 'Check every points account against its postings and lots'
  static options: CommandOptions = { startApp: true }

  async run() {
    const { reconcilePoints } = await import('#app/loyalty/services/points_reconciliation')
    const result = await reconcilePoints()
    for (const d of result.differences) {
      this.logger.error(
        `account=${d.accountId} member=${d.memberId} balance=${d.balance} postings=${d.postingsBalance} ` +
          `lots=${d.lotsAvailable} pending=${d.pending} postings_pending=${d.postingsPending} lots_pending=${d.lotsPending}`
      )
    }
    this.logger.log(
      `accounts=${result.accounts} postings=${result.postings} lots=${result.lots} differences=${result.differences.length}`
    )
    if (result.differences.length > 0) this.exitCode = 1
  }
}
