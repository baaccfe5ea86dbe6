import type { TransactionClientContract } from '@adonisjs/lucid/types/database'

/**
 * Moves the rows with these ids from one member to another: what a merge
 * does with the duplicate's orders, identities, coupons … and its undo with
 * them again. Only rows still on `from` move, so undo leaves a row that was
 * moved on since where it is.
 */
export async function reassignRows(
  trx: TransactionClientContract,
  table: string,
  ids: number[],
  from: number,
  to: number
) {
  if (!ids.length) return
  await trx
    .query()
    .from(table)
    .whereIn('id', ids)
    .where('member_id', from)
    .update({ member_id: to })
}
