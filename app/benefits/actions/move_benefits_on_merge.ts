import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import { reassignRows } from '#app/shared/kernel/reassign_rows'

/** What a merge moved of the source's benefits, so that undoing it can put it back. */
export interface MovedBenefits {
  grantIds: number[]
  claimIds: number[]
  /** Uses of the source added to the target's count per benefit and period. */
  usage: { benefitId: number; periodKey: string; used: number }[]
}

/**
 * Benefits when two members are merged (called by MergeMembers/UndoMerge,
 * inside their transaction). The person's grants and claims move to the
 * member that stays, and the source's uses count against the target's
 * quota in the same period: a free delivery a month, used on either
 * account, is used.
 */
export class MoveBenefitsOnMerge {
  async withinMerge(
    trx: TransactionClientContract,
    sourceId: number,
    targetId: number
  ): Promise<MovedBenefits> {
    const ids = (rows: any[]) => rows.map((row) => Number(row.id))
    const grantIds = ids(await trx.from('benefit_grants').where('member_id', sourceId).select('id'))
    const claimIds = ids(await trx.from('benefit_claims').where('member_id', sourceId).select('id'))
    const counted = await trx
      .from('benefit_usage')
      .where('member_id', sourceId)
      .where('used', '>', 0)
    const usage = counted.map((row: any) => ({
      benefitId: Number(row.benefit_id),
      periodKey: row.period_key as string,
      used: Number(row.used),
    }))
    await reassignRows(trx, 'benefit_grants', grantIds, sourceId, targetId)
    await reassignRows(trx, 'benefit_claims', claimIds, sourceId, targetId)
    for (const { benefitId, periodKey, used } of usage) {
      await this.addUses(trx, targetId, benefitId, periodKey, used)
    }
    return { grantIds, claimIds, usage }
  }

  /** Undo: grants and claims go back; the source's uses leave the target's count. */
  async undo(
    trx: TransactionClientContract,
    sourceId: number,
    targetId: number,
    moved: MovedBenefits
  ) {
    await reassignRows(trx, 'benefit_grants', moved.grantIds, targetId, sourceId)
    await reassignRows(trx, 'benefit_claims', moved.claimIds, targetId, sourceId)
    for (const { benefitId, periodKey, used } of moved.usage) {
      await this.addUses(trx, targetId, benefitId, periodKey, -used)
    }
  }

  private async addUses(
    trx: TransactionClientContract,
    memberId: number,
    benefitId: number,
    periodKey: string,
    uses: number
  ) {
    const key = { member_id: memberId, benefit_id: benefitId, period_key: periodKey }
    const current = await trx.from('benefit_usage').where(key).forUpdate().first()
    if (current) {
      await trx
        .from('benefit_usage')
        .where(key)
        .update({ used: Math.max(0, Number(current.used) + uses) })
    } else if (uses > 0) {
      await trx.table('benefit_usage').insert({ ...key, used: uses })
    }
  }
}
