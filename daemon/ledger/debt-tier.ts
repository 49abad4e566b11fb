// Requesters far in debt wait behind the others: when tasks queue up for workers, those from a
// requester that owes more than half the credit limit it is granted go last. (Admission already
// refuses tasks beyond the limit; this only orders what was admitted.)

import { parseCredits } from './amounts.ts'

export interface BalanceView {
  /** Positive = the peer owes us. */
  balance: string
  creditLimit: string
}

export function debtTier(view: BalanceView): number {
  const owed = parseCredits(view.balance, true) ?? 0n
  const limit = parseCredits(view.creditLimit) ?? 0n
  if (owed <= 0n) return 0
  return limit === 0n || owed * 2n > limit ? 1 : 0
}
