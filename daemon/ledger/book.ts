// The live book: per-counterparty accounts (balance, reserved, limit override, counters) and the
// reservations of admitted priced tasks, kept in memory and loaded from the store when the ledger
// opens. Every change here happens synchronously and comes back as store ops for the caller to
// commit (with the task change it belongs to).

import type { StoreOp } from '../store/store.ts'
import { formatCredits } from './amounts.ts'
import type { Account, Entry, LedgerStore } from './ledger-store.ts'

export interface LiveAccount {
  balance: bigint
  reserved: bigint
  limit?: bigint
  completed: number
  failed: number
}

export async function openBook(db: LedgerStore) {
  const accounts = new Map<string, LiveAccount>()
  const reservations = new Map<string, { did: string; amount: bigint }>()
  for (const a of await db.accounts())
    accounts.set(a.peer, {
      balance: BigInt(a.balance),
      reserved: BigInt(a.reserved),
      limit: a.limit != null ? BigInt(a.limit) : undefined,
      completed: a.completed,
      failed: a.failed,
    })
  for (const [taskId, r] of await db.reservations())
    reservations.set(taskId, { did: r.did, amount: BigInt(r.amount) })

  /** The account of `did`, created (empty) on first use. */
  function account(did: string): LiveAccount {
    let a = accounts.get(did)
    if (a == null) {
      a = { balance: 0n, reserved: 0n, completed: 0, failed: 0 }
      accounts.set(did, a)
    }
    return a
  }

  /** The op that persists `did`'s account as it is now. */
  function accountOp(did: string): StoreOp {
    const a = account(did)
    const stored: Account = {
      peer: did,
      balance: a.balance.toString(),
      reserved: a.reserved.toString(),
      completed: a.completed,
      failed: a.failed,
      ...(a.limit != null ? { limit: a.limit.toString() } : {}),
    }
    return db.accountOp(stored)
  }

  /** A history entry for `did` at its current balance. */
  function entryOps(did: string, amount: bigint, kind: Entry['kind'], reference: string): StoreOp[] {
    return db.entryOps({
      peer: did,
      amount: formatCredits(amount),
      kind,
      reference,
      createdAtMs: Date.now(),
      balanceAfter: formatCredits(account(did).balance),
    }).ops
  }

  /** Moves the balance by `delta` with an entry; returns the ops. */
  function move(did: string, delta: bigint, kind: Entry['kind'], reference: string): StoreOp[] {
    account(did).balance += delta
    return [...entryOps(did, delta, kind, reference), accountOp(did)]
  }

  return { accounts, reservations, account, accountOp, entryOps, move }
}

export type Book = Awaited<ReturnType<typeof openBook>>
