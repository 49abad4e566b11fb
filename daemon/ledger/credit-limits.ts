// The credit limit granted to each counterparty: its own override, else the highest default of the
// networks we share with it that have one, else the global default (moltbook.toml, or set at run
// time and then persisted).

import { invalidArgument } from '../errors/moltmesh-error.ts'
import { formatCredits, parseCredits } from './amounts.ts'
import type { Book } from './book.ts'
import type { LedgerStore } from './ledger-store.ts'

export interface CreditLimitComponents {
  db: LedgerStore
  book: Book
  /** The networks this agent shares with a peer. */
  sharedNetworks: (did: string) => string[]
}

export async function openCreditLimits(c: CreditLimitComponents, configuredDefault: string) {
  let defaultLimit = parseCredits((await c.db.defaultLimit()) ?? configuredDefault) ?? 0n
  const networkLimits = new Map<string, bigint>()
  for (const [id, amount] of await c.db.networkLimits()) networkLimits.set(id, parseCredits(amount) ?? 0n)

  function limitOf(did: string): bigint {
    const own = c.book.accounts.get(did)?.limit
    if (own != null) return own
    let best: bigint | undefined
    if (networkLimits.size > 0)
      for (const id of c.sharedNetworks(did)) {
        const limit = networkLimits.get(id)
        if (limit != null && (best == null || limit > best)) best = limit
      }
    return best ?? defaultLimit
  }

  return {
    limitOf,
    defaultLimit: (): string => formatCredits(defaultLimit),

    /** Sets the limit of one peer, or with `did` undefined the default limit. */
    async setLimit(did: string | undefined, amount: string): Promise<void> {
      const value = parseCredits(amount)
      if (value == null)
        throw invalidArgument('INVALID_AMOUNT', 'amount must be a non-negative decimal of credits')
      if (did == null) {
        defaultLimit = value
        await c.db.commit([c.db.defaultLimitOp(formatCredits(value))])
        return
      }
      c.book.account(did).limit = value
      await c.db.commit([c.book.accountOp(did)])
    },

    /** Sets (or with `amount` null, removes) the default limit for members of a network. */
    async setNetworkLimit(networkId: string, amount: string | null): Promise<void> {
      if (amount == null) {
        networkLimits.delete(networkId)
        await c.db.commit([c.db.networkLimitOp(networkId, undefined)])
        return
      }
      const value = parseCredits(amount)
      if (value == null)
        throw invalidArgument('INVALID_AMOUNT', 'amount must be a non-negative decimal of credits')
      networkLimits.set(networkId, value)
      await c.db.commit([c.db.networkLimitOp(networkId, formatCredits(value))])
    },

    networkLimits: (): Array<{ network: string; amount: string }> =>
      [...networkLimits].map(([network, v]) => ({ network, amount: formatCredits(v) })),
  }
}

export type CreditLimits = Awaited<ReturnType<typeof openCreditLimits>>
