// The ledger's self-check (run at start and by VerifyLedger): every cached balance equals the sum of
// its receipt and settlement entries, every reservation the sum of its reservation and release
// entries, and every settled receipt carries both valid signatures.

import { formatCredits, parseCredits } from './amounts.ts'
import type { Book } from './book.ts'
import type { LedgerStore } from './ledger-store.ts'
import { receiptBytes, verify } from './signed-docs.ts'

export interface BooksCheck {
  ok: boolean
  peersChecked: number
  entriesChecked: number
  problems: string[]
}

/** Receipts whose signatures are checked between two turns of the event loop. */
const RECEIPTS_PER_TURN = 64

/**
 * `signal` ends a check early (the daemon stopping); the result then says so in `problems`. The
 * daemon runs this in the background after start, while tasks keep committing: an account whose
 * entries and cached balance disagree is read again after the commits in flight have landed
 * (entries are written before the cached balance moves), and reported only if it still disagrees.
 */
export async function verifyBooks(
  db: LedgerStore,
  book: Book,
  options: { signal?: AbortSignal } = {},
): Promise<BooksCheck> {
  const problems: string[] = []
  let entriesChecked = 0
  const stopped = () => options.signal?.aborted === true
  const accountProblems = async (did: string): Promise<string[]> => {
    let sum = 0n
    let reserved = 0n
    for (const e of await db.allEntries(did)) {
      entriesChecked++
      const amount = parseCredits(e.amount, true) ?? 0n
      if (e.kind === 'receipt' || e.kind === 'settlement') sum += amount
      else reserved += amount
    }
    const a = book.account(did)
    const found: string[] = []
    if (sum !== a.balance)
      found.push(`${did}: cached balance ${formatCredits(a.balance)} != entries ${formatCredits(sum)}`)
    if (reserved !== a.reserved)
      found.push(`${did}: reserved ${formatCredits(a.reserved)} != entries ${formatCredits(reserved)}`)
    return found
  }
  for (const did of [...book.accounts.keys()]) {
    if (stopped()) break
    let found = await accountProblems(did)
    if (found.length > 0) {
      await new Promise((r) => setTimeout(r, 10))
      found = await accountProblems(did)
    }
    problems.push(...found)
  }
  let checked = 0
  for (const r of await db.receipts()) {
    if (stopped()) break
    if (r.status !== 'settled') continue
    if (++checked % RECEIPTS_PER_TURN === 0) await new Promise((r) => setImmediate(r))
    const okProvider = await verify(r.provider, receiptBytes(r), r.providerSignature)
    const okRequester = await verify(r.requester, receiptBytes(r), r.requesterSignature)
    if (!okProvider || !okRequester) problems.push(`receipt of ${r.taskId}: signature does not verify`)
  }
  if (stopped()) problems.push('verification stopped before it finished')
  return { ok: problems.length === 0, peersChecked: book.accounts.size, entriesChecked, problems }
}
