import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import { PointsLedger } from '#app/loyalty/services/points_ledger'

/**
 * Points when two members are merged (called by MergeMembers/UndoMerge).
 *
 * Inside the merge transaction: when only the source has a points account,
 * the account itself moves to the target (nothing is posted; undo moves it
 * back). When both have one, `transferAfterMerge` runs after the merge has
 * committed and moves the source's open lots with `transfer` postings;
 * undo moves back what is left of them (`transferBackAfterUndo`).
 */
export class MovePointsOnMerge {
  /** Returns true when the source's account now belongs to the target. */
  async withinMerge(trx: TransactionClientContract, sourceId: number, targetId: number) {
    const [source, target] = await Promise.all([
      trx.from('points_accounts').where('member_id', sourceId).first(),
      trx.from('points_accounts').where('member_id', targetId).first(),
    ])
    if (!source || target) return false
    await trx.from('points_accounts').where('id', source.id).update({ member_id: targetId })
    return true
  }

  /** After the merge committed: both members had accounts, so points are transferred. */
  async transferAfterMerge(companyId: number, sourceId: number, targetId: number, mergeId: number) {
    const [source, target] = await Promise.all([
      db.from('points_accounts').where('member_id', sourceId).first(),
      db.from('points_accounts').where('member_id', targetId).first(),
    ])
    if (!source || !target) return 0
    if (Number(source.balance) <= 0 && Number(source.pending) === 0) return 0
    return new PointsLedger().transferAll(
      { companyId, memberId: sourceId },
      { companyId, memberId: targetId },
      `merge:${mergeId}`
    )
  }

  /** Undo, inside its transaction: an account that moved whole goes back. */
  async undo(trx: TransactionClientContract, sourceId: number, targetId: number) {
    await trx.from('points_accounts').where('member_id', targetId).update({ member_id: sourceId })
  }

  /**
   * Undo, after it committed: points the merge transferred go back to the
   * source, as far as the target has not spent them (or seen them expire or
   * reversed by a refund) since. Returns the points moved back.
   */
  async transferBackAfterUndo(
    companyId: number,
    sourceId: number,
    targetId: number,
    mergeId: number
  ) {
    const incoming = await db
      .from('points_postings')
      .where('company_id', companyId)
      .where('source_type', 'transfer')
      .where('idempotency_key', `merge:${mergeId}:in`)
      .first()
    if (!incoming) return 0
    return new PointsLedger().transferBack(
      { companyId, memberId: targetId },
      { companyId, memberId: sourceId },
      `merge:${mergeId}:undo`,
      Number(incoming.id)
    )
  }
}
