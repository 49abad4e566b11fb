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

export async function verifyBooks(db: LedgerStore, book: Book): Promise<BooksCheck> {
  const problems: string[] = []
  let entriesChecked = 0
  for (const did of book.accounts.keys()) {
    let sum = 0n
    let reserved = 0n
    for (const e of await db.allEntries(did)) {
      entriesChecked++
      const amount = parseCredits(e.amount, true) ?? 0n
      if (e.kind === 'receipt' || e.kind === 'settlement') sum += amount
      else reserved += amount
    }
    const a = book.account(did)
    if (sum !== a.balance)
      problems.push(`${did}: cached balance ${formatCredits(a.balance)} != entries ${formatCredits(sum)}`)
    if (reserved !== a.reserved)
      problems.push(`${did}: reserved ${formatCredits(a.reserved)} != entries ${formatCredits(reserved)}`)
  }
  for (const r of await db.receipts()) {
    if (r.status !== 'settled') continue
    const okProvider = await verify(r.provider, receiptBytes(r), r.providerSignature)
    const okRequester = await verify(r.requester, receiptBytes(r), r.requesterSignature)
    if (!okProvider || !okRequester) problems.push(`receipt of ${r.taskId}: signature does not verify`)
  }
  return { ok: problems.length === 0, peersChecked: book.accounts.size, entriesChecked, problems }
}
