import db from '@adonisjs/lucid/services/db'

export interface AccountDifference {
  accountId: number
  memberId: number
  balance: number
  postingsBalance: number
  lotsAvailable: number
  pending: number
  postingsPending: number
  lotsPending: number
}

export interface ReconcileResult {
  accounts: number
  postings: number
  lots: number
  differences: AccountDifference[]
}

/**
 * Checks every account against its postings and lots:
 * balance = Σ posting amounts, max(balance, 0) = Σ remaining of available
 * lots, pending = Σ posting pending amounts = Σ remaining of pending lots.
 */
export async function reconcilePoints(): Promise<ReconcileResult> {
  const accounts = await db.from('points_accounts').select('id', 'member_id', 'balance', 'pending')
  const postings = await db
    .from('points_postings')
    .select('account_id')
    .sum('amount as amount')
    .sum('pending_amount as pending')
    .count('* as n')
    .groupBy('account_id')
  const lots = await db
    .from('points_lots')
    .select('account_id', 'status')
    .sum('remaining as remaining')
    .count('* as n')
    .groupBy('account_id', 'status')

  const byAccount = new Map<number, { amount: number; pending: number }>()
  let postingCount = 0
  for (const row of postings) {
    byAccount.set(Number(row.account_id), {
      amount: Number(row.amount),
      pending: Number(row.pending),
    })
    postingCount += Number(row.n)
  }
  const lotSums = new Map<number, { available: number; pending: number }>()
  let lotCount = 0
  for (const row of lots) {
    const entry = lotSums.get(Number(row.account_id)) ?? { available: 0, pending: 0 }
    if (row.status === 'available') entry.available += Number(row.remaining)
    if (row.status === 'pending') entry.pending += Number(row.remaining)
    lotSums.set(Number(row.account_id), entry)
    lotCount += Number(row.n)
  }

  const differences: AccountDifference[] = []
  for (const account of accounts) {
    const id = Number(account.id)
    const fromPostings = byAccount.get(id) ?? { amount: 0, pending: 0 }
    const fromLots = lotSums.get(id) ?? { available: 0, pending: 0 }
    const balance = Number(account.balance)
    const pending = Number(account.pending)
    const ok =
      balance === fromPostings.amount &&
      Math.max(balance, 0) === fromLots.available &&
      pending === fromPostings.pending &&
      pending === fromLots.pending
    if (!ok) {
      differences.push({
        accountId: id,
        memberId: Number(account.member_id),
        balance,
        postingsBalance: fromPostings.amount,
        lotsAvailable: fromLots.available,
        pending,
        postingsPending: fromPostings.pending,
        lotsPending: fromLots.pending,
      })
    }
  }
  return { accounts: accounts.length, postings: postingCount, lots: lotCount, differences }
}
