// The ledger's persistent state. Keys (sublevel "ledger"):
//   a!<did>            Account (cached balance, reserved, limit override, counters)
//   e!<did>!<seq>      Entry (append-only history per counterparty)
//   g!<seq>            "<did>!<seq>": every entry in order (history across counterparties)
//   v!<task id>        Reservation {did, amount} while a priced task is admitted and not settled
//   r!<task id>        Receipt
//   q!<nonce>          Quote issued {requester, price, expiresAtMs, used}
//   s!<id>             Settlement
//   n!<network id>     default credit limit for members of that network
//   t!<did>            TrackRecord of a provider (track-record.ts)
//   meta!seq           last entry seq;  meta!default_limit  the default credit limit, if set at runtime
// Writes are returned as ops so callers commit them together with the task change they belong to.

import { seqKey } from '../common/ids.ts'
import type { JsonSublevel, Store, StoreOp } from '../store/store.ts'
import type { Receipt, Settlement } from './signed-docs.ts'

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

type Value = Account | Entry | Reservation | Receipt | IssuedQuote | Settlement | string | number

export async function openLedgerStore(store: Store) {
  const db: JsonSublevel<Value> = store.sublevel<Value>('ledger')
  const sublevel = db as unknown as JsonSublevel<never>
  let lastSeq = ((await db.get('meta!seq')) as number | undefined) ?? 0
  const put = (key: string, value: Value): StoreOp => ({ type: 'put', key, value, sublevel })
  const del = (key: string): StoreOp => ({ type: 'del', key, sublevel })

  return {
    put,
    del,
    commit: (ops: StoreOp[]) => store.commit(ops),

    async accounts(): Promise<Account[]> {
      const out: Account[] = []
      for await (const v of db.values({ gt: 'a!', lt: 'a"' })) out.push(v as Account)
      return out
    },
    async reservations(): Promise<Array<[string, Reservation]>> {
      const out: Array<[string, Reservation]> = []
      for await (const [k, v] of db.iterator({ gt: 'v!', lt: 'v"' })) out.push([k.slice(2), v as Reservation])
      return out
    },
    defaultLimit: async () => (await db.get('meta!default_limit')) as string | undefined,
    async networkLimits(): Promise<Array<[string, string]>> {
      const out: Array<[string, string]> = []
      for await (const [k, v] of db.iterator({ gt: 'n!', lt: 'n"' })) out.push([k.slice(2), v as string])
      return out
    },
    networkLimitOp: (networkId: string, amount: string | undefined): StoreOp =>
      amount == null ? del(`n!${networkId}`) : put(`n!${networkId}`, amount),

    accountOp: (a: Account) => put(`a!${a.peer}`, a),

    /** Ops appending an entry (with its global index) and the new seq. */
    entryOps(entry: Omit<Entry, 'id'>): { entry: Entry; ops: StoreOp[] } {
      const seq = ++lastSeq
      const id = `le_${seqKey(seq)}`
      const full: Entry = { ...entry, id }
      return {
        entry: full,
        ops: [
          put(`e!${entry.peer}!${seqKey(seq)}`, full),
          put(`g!${seqKey(seq)}`, `${entry.peer}!${seqKey(seq)}`),
          put('meta!seq', seq),
        ],
      }
    },

    async entries(peer: string | undefined, before: number, limit: number): Promise<Entry[]> {
      const out: Entry[] = []
      if (peer != null) {
        const lt = before > 0 ? `e!${peer}!${seqKey(before)}` : `e!${peer}"`
        for await (const v of db.values({ gt: `e!${peer}!`, lt, reverse: true, limit })) out.push(v as Entry)
        return out
      }
      const lt = before > 0 ? `g!${seqKey(before)}` : 'g"'
      const keys: string[] = []
      for await (const v of db.values({ gt: 'g!', lt, reverse: true, limit })) keys.push(`e!${v as string}`)
      const got = await db.getMany(keys)
      return got.filter((e): e is Entry => e != null && typeof e === 'object')
    },

    /** Every entry with one counterparty, oldest first (for verification). */
    async allEntries(peer: string): Promise<Entry[]> {
      const out: Entry[] = []
      for await (const v of db.values({ gt: `e!${peer}!`, lt: `e!${peer}"` })) out.push(v as Entry)
      return out
    },

    receipt: async (taskId: string) => (await db.get(`r!${taskId}`)) as Receipt | undefined,
    async receipts(): Promise<Receipt[]> {
      const out: Receipt[] = []
      for await (const v of db.values({ gt: 'r!', lt: 'r"' })) out.push(v as Receipt)
      return out
    },
    quote: async (nonce: string) => (await db.get(`q!${nonce}`)) as IssuedQuote | undefined,
    settlement: async (id: string) => (await db.get(`s!${id}`)) as Settlement | undefined,
    async settlements(): Promise<Settlement[]> {
      const out: Settlement[] = []
      for await (const v of db.values({ gt: 's!', lt: 's"' })) out.push(v as Settlement)
      return out
    },
  }
}

export type LedgerStore = Awaited<ReturnType<typeof openLedgerStore>>
