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

  /**
   * Finishes transfers a crash left half done (run by the accrual job). A
   * merge or undo commits first and moves points after, in two ledger
   * transactions; each step is keyed, so running it again does only what
   * is missing:
   * - a merged member (the merge not undone) that still holds points;
   * - a transfer whose sending half is posted and receiving half is not;
   * - an undone merge whose transferred points were not sent back yet.
   * Returns how many transfers it finished.
   */
  async resumeUnfinished(): Promise<number> {
    const ledger = new PointsLedger()
    let resumed = 0
    const holding = await db
      .from('member_merges as m')
      .join('points_accounts as a', 'a.member_id', 'm.source_member_id')
      .whereNull('m.undone_at')
      .where((query) => query.where('a.balance', '>', 0).orWhere('a.pending', '>', 0))
      .select('m.id', 'm.company_id', 'm.source_member_id', 'm.target_member_id')
    for (const merge of holding) {
      await this.transferAfterMerge(
        merge.company_id,
        merge.source_member_id,
        merge.target_member_id,
        merge.id
      )
      resumed++
    }

    // Only companies that merged: transfer postings are then read through the
    // (company, source type, key) index, never the whole postings table.
    const merging = await db.from('member_merges').distinct('company_id')
    if (!merging.length) return resumed
    const halfDone = await db
      .from('points_postings as o')
      .join('points_accounts as a', 'a.id', 'o.account_id')
      .whereIn(
        'o.company_id',
        merging.map((row) => row.company_id)
      )
      .where('o.source_type', 'transfer')
      .where('o.idempotency_key', 'like', 'merge:%:out')
      .whereNotExists((received) =>
        received
          .from('points_postings as i')
          .whereColumn('i.company_id', 'o.company_id')
          .where('i.source_type', 'transfer')
          .whereRaw("i.idempotency_key = replace(o.idempotency_key, ':out', ':in')")
      )
      .select('o.company_id', 'o.idempotency_key', 'o.source_id', 'a.member_id')
    for (const out of halfDone) {
      const key = String(out.idempotency_key).slice(0, -':out'.length)
      const from = { companyId: Number(out.company_id), memberId: Number(out.member_id) }
      const to = { companyId: Number(out.company_id), memberId: Number(out.source_id) }
      if (!key.endsWith(':undo')) {
        await ledger.transferAll(from, to, key)
      } else {
        const incoming = await db
          .from('points_postings')
          .where('company_id', from.companyId)
          .where('source_type', 'transfer')
          .where('idempotency_key', `${key.slice(0, -':undo'.length)}:in`)
          .firstOrFail()
        await ledger.transferBack(from, to, key, Number(incoming.id))
      }
      resumed++
    }

    const undone = await db
      .from('member_merges')
      .whereNotNull('undone_at')
      .select('id', 'company_id', 'source_member_id', 'target_member_id')
    if (undone.length) {
      const incoming = new Map(undone.map((merge) => [`merge:${merge.id}:in`, merge]))
      const posted = new Set<string>()
      const postings = await db
        .from('points_postings')
        .whereIn('company_id', [...new Set(undone.map((merge) => merge.company_id))])
        .where('source_type', 'transfer')
        .whereIn('idempotency_key', [
          ...incoming.keys(),
          ...undone.map((merge) => `merge:${merge.id}:undo:out`),
        ])
        .select('idempotency_key')
      for (const posting of postings) posted.add(posting.idempotency_key)
      for (const [key, merge] of incoming) {
        // Transferred in by the merge, and not yet sent back.
        if (!posted.has(key) || posted.has(`merge:${merge.id}:undo:out`)) continue
        await this.transferBackAfterUndo(
          merge.company_id,
          merge.source_member_id,
          merge.target_member_id,
          merge.id
        )
        resumed++
      }
    }
    return resumed
  }
}
