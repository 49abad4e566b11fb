// The ledger's self-check as the daemon runs it after start, in the background while tasks commit:
// an account caught between its entry write and its cached balance is read again (not reported), a
// lasting mismatch is reported, and a stop ends the check early. The store and book are stand-ins
// that show each case exactly; admission.test.ts runs verify() on a real LevelDB.
import { describe, expect, it } from 'vitest'
import type { Book } from '../../../daemon/ledger/book.ts'
import type { Entry, LedgerStore } from '../../../daemon/ledger/ledger-store.ts'
import { verifyBooks } from '../../../daemon/ledger/verify-books.ts'

const DID = 'did:key:peer'
const entry = (amount: string): Entry => ({
  id: `e${amount}`,
  peer: DID,
  amount,
  kind: 'receipt',
  reference: 'task_1',
  createdAtMs: 0,
  balanceAfter: amount,
})

function books(onRead: (reads: number, account: { balance: bigint; reserved: bigint }) => void) {
  const account = { balance: 0n, reserved: 0n, completed: 0, failed: 0 }
  let reads = 0
  const db = {
    allEntries: async () => {
      reads++
      onRead(reads, account)
      return [entry('10')]
    },
    receipts: async () => [],
  } as unknown as LedgerStore
  const book = { accounts: new Map([[DID, account]]), account: () => account } as unknown as Book
  return { db, book, reads: () => reads }
}

describe('verifyBooks in the background', () => {
  it('reads an account again when its cached balance is behind a commit in flight', async () => {
    // The commit's cached balance lands just after the first read of the entries.
    const b = books((reads, account) => {
      if (reads === 1) setImmediate(() => (account.balance = 10_000_000n))
    })
    const check = await verifyBooks(b.db, b.book)
    expect(check).toMatchObject({ ok: true, problems: [] })
    expect(b.reads()).toBe(2)
  })

  it('reports a mismatch that lasts', async () => {
    const b = books(() => undefined)
    const check = await verifyBooks(b.db, b.book)
    expect(check.ok).toBe(false)
    expect(check.problems).toEqual([`${DID}: cached balance 0 != entries 10`])
  })

  it('ends early when stopped', async () => {
    const b = books((_reads, account) => (account.balance = 10_000_000n))
    const check = await verifyBooks(b.db, b.book, { signal: AbortSignal.abort() })
    expect(check.problems).toEqual(['verification stopped before it finished'])
    expect(b.reads()).toBe(0)
  })
})
