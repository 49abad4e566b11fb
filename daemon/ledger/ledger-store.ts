// The ledger's persistent state. Buckets (store/buckets.ts), all in the sublevel "ledger":
//   ledger.accounts        <did> -> Account (cached balance, reserved, limit override, counters)
//   ledger.entries         <did>!<seq> -> Entry (append-only history per counterparty)
//   ledger.history         <seq> -> "<did>!<seq>": every entry in order (history across counterparties)
//   ledger.reservations    <task id> -> Reservation {did, amount} while a priced task is admitted
//   ledger.receipts        <task id> -> Receipt
//   ledger.quotes          <nonce> -> quote issued {requester, price, expiresAtMs, used}
//   ledger.settlements     <id> -> Settlement
//   ledger.network-limits  <network id> -> default credit limit for members of that network
//   ledger.last-seq        last entry seq;  ledger.default-limit  the default limit, if set at runtime
// (ledger.track-records, in the same sublevel, belongs to track-record.ts.)
// Writes are returned as ops so callers commit them together with the task change they belong to.

import { seqKey } from '../common/ids.ts'
import { json, pair, seq, single, text, unit } from '../store/codecs.ts'
import { bool, num, object, oneOf, optional, str } from '../store/shape.ts'
import type { Store, StoreOp } from '../store/store.ts'
import type { Receipt, Settlement } from './signed-docs.ts'

const entryKey = pair(text, seq)

export interface Account {
  peer: string
  /** Micro-credits as decimal strings (JSON has no bigint). Positive = the peer owes us. */
  balance: string
  reserved: string
  limit?: string
  completed: number
  failed: number
}

export interface Entry {
  id: string
  peer: string
  amount: string
  kind: 'receipt' | 'settlement' | 'reservation' | 'release'
  reference: string
  createdAtMs: number
  balanceAfter: string
}

export interface Reservation {
  did: string
  amount: string
}

export interface IssuedQuote {
  requester: string
  price: string
  expiresAtMs: number
  used: boolean
}

const accountShape = object<Account>({
  peer: str,
  balance: str,
  reserved: str,
  limit: optional(str),
  completed: num,
  failed: num,
})
const entryShape = object<Entry>({
  id: str,
  peer: str,
  amount: str,
  kind: oneOf('receipt', 'settlement', 'reservation', 'release'),
  reference: str,
  createdAtMs: num,
  balanceAfter: str,
})
const reservationShape = object<Reservation>({ did: str, amount: str })
const quoteShape = object<IssuedQuote>({ requester: str, price: str, expiresAtMs: num, used: bool })
const receiptShape = object<Receipt>({
  taskId: str,
  requester: str,
  provider: str,
  skill: str,
  price: str,
  resultHash: str,
  issuedAtMs: num,
  providerSignature: str,
  requesterSignature: str,
  status: str,
})
const settlementShape = object<Settlement>({
  id: str,
  proposer: str,
  counterparty: str,
  amount: str,
  reference: str,
  status: str,
  proposerSignature: str,
  counterpartySignature: str,
  createdAtMs: num,
})

/** Collects an async iteration. */
async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const item of items) out.push(item)
  return out
}

export async function openLedgerStore(store: Store) {
  const accounts = store.repository('ledger.accounts', single(text), json(accountShape))
  const entries = store.repository('ledger.entries', entryKey, json(entryShape))
  const history = store.repository('ledger.history', single(seq), json(str))
  const reservations = store.repository('ledger.reservations', single(text), json(reservationShape))
  const receipts = store.repository('ledger.receipts', single(text), json(receiptShape))
  const quotes = store.repository('ledger.quotes', single(text), json(quoteShape))
  const settlements = store.repository('ledger.settlements', single(text), json(settlementShape))
  const networkLimits = store.repository('ledger.network-limits', single(text), json(str))
  const counter = store.repository('ledger.last-seq', unit, json(num))
  const defaultLimit = store.repository('ledger.default-limit', unit, json(str))
  let lastSeq = (await counter.get(null)) ?? 0

  return {
    commit: (ops: StoreOp[]) => store.commit(ops),

    accounts: () => all(accounts.values()),
    reservations: () => all(reservations.entries()),
    reservationOp: (taskId: string, r: Reservation) => reservations.putOp(taskId, r),
    dropReservationOp: (taskId: string) => reservations.delOp(taskId),
    defaultLimit: () => defaultLimit.get(null),
    defaultLimitOp: (amount: string) => defaultLimit.putOp(null, amount),
    networkLimits: () => all(networkLimits.entries()),
    networkLimitOp: (networkId: string, amount: string | undefined): StoreOp =>
      amount == null ? networkLimits.delOp(networkId) : networkLimits.putOp(networkId, amount),

    accountOp: (a: Account) => accounts.putOp(a.peer, a),

    /** Ops appending an entry (with its global index) and the new seq. */
    entryOps(entry: Omit<Entry, 'id'>): { entry: Entry; ops: StoreOp[] } {
      const at = ++lastSeq
      const id = `le_${seqKey(at)}`
      const full: Entry = { ...entry, id }
      return {
        entry: full,
        ops: [
          entries.putOp([entry.peer, at], full),
          // The global index points at the entry's key: "<did>!<seq>".
          history.putOp(at, `${entry.peer}!${seqKey(at)}`),
          counter.putOp(null, at),
        ],
      }
    },

    async entries(peer: string | undefined, before: number, limit: number): Promise<Entry[]> {
      if (peer != null) {
        const lt = before > 0 ? ([peer, before] satisfies [string, number]) : undefined
        return all(entries.values({ group: peer, lt, reverse: true, limit }))
      }
      const keys: Array<[string, number]> = []
      for await (const ref of history.values({ lt: before > 0 ? before : undefined, reverse: true, limit }))
        keys.push(entryKey.decode(ref))
      return (await entries.getMany(keys)).filter((e) => e != null)
    },

    /** Every entry with one counterparty, oldest first (for verification). */
    allEntries: (peer: string) => all(entries.values({ group: peer })),

    receipt: (taskId: string) => receipts.get(taskId),
    receipts: () => all(receipts.values()),
    receiptOp: (taskId: string, r: Receipt) => receipts.putOp(taskId, r),
    quote: (nonce: string) => quotes.get(nonce),
    quoteOp: (nonce: string, q: IssuedQuote) => quotes.putOp(nonce, q),
    settlement: (id: string) => settlements.get(id),
    settlements: () => all(settlements.values()),
    settlementOp: (s: Settlement) => settlements.putOp(s.id, s),
  }
}

export type LedgerStore = Awaited<ReturnType<typeof openLedgerStore>>
