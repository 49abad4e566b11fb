// The bilateral credit ledger: per-counterparty balances derived from signed documents only.
//   - book.ts: accounts and reservations in memory, loaded at open, every change returned as ops;
//   - credit-limits.ts: own limit, else the best shared network default, else the global default;
//   - admission.ts (provider side): reserve a priced task's price within the requester's limit, in
//     one synchronous step; beyond it refuse with a payment-required quote (payment-quotes.ts);
//   - receipts.ts: the provider signs at completion, the requester checks and countersigns; each
//     side moves its balance only with both signatures (a refusal is a dispute);
//   - settlements.ts: a proposal signed by the payer moves both balances once countersigned;
//   - verify-books.ts: balances equal their entries, receipts verify.
// Every change comes back as store ops for the caller to commit with the task change it belongs to.
// createLedger(components, options) puts these together behind one object with a start/stop.

import type { LedgerOptions } from '../config/options.ts'
import type { EventBus } from '../events/event-bus.ts'
import type { Identity } from '../identity/identity.ts'
import type { Logger } from '../log/logger.ts'
import type { Store, StoreOp } from '../store/store.ts'
import { createAdmission } from './admission.ts'
import { formatCredits, parseCredits } from './amounts.ts'
import { openBook } from './book.ts'
import { openCreditLimits } from './credit-limits.ts'
import { openLedgerStore } from './ledger-store.ts'
import { createPaymentQuotes } from './payment-quotes.ts'
import { createReceipts } from './receipts.ts'
import { createSettlements } from './settlements.ts'
import { verifyBooks } from './verify-books.ts'

export type { Refusal } from './payment-quotes.ts'

export interface LedgerComponents {
  identity: Identity
  store: Store
  events: EventBus
  logger: Logger
  /**
   * The networks this agent shares with a peer (network default credit limits apply to their
   * members). The networks subsystem is built before the ledger and answers this.
   */
  sharedNetworks: (did: string) => string[]
}

export async function createLedger(c: LedgerComponents, options: LedgerOptions) {
  const db = await openLedgerStore(c.store)
  const book = await openBook(db)
  const limits = await openCreditLimits(
    { db, book, sharedNetworks: c.sharedNetworks },
    options.defaultCreditLimit,
  )
  const quotes = createPaymentQuotes({ db, identity: c.identity }, options)
  const admission = createAdmission({ db, book, limits, quotes })
  const receipts = createReceipts({
    db,
    book,
    identity: c.identity,
    events: c.events,
    logger: c.logger,
    admission,
  })
  const settlements = createSettlements({ db, book, identity: c.identity, events: c.events })

  const verifyAbort = new AbortController()
  let verifying: Promise<void> | undefined

  return {
    parsePrice: (price: string): bigint => parseCredits(price === '' ? '0' : price) ?? 0n,
    ...admission,
    ...receipts,
    authorize: quotes.authorize,
    ...settlements,

    balance(did: string) {
      const a = book.accounts.get(did)
      return {
        peer: did,
        balance: formatCredits(a?.balance ?? 0n),
        reserved: formatCredits(a?.reserved ?? 0n),
        creditLimit: formatCredits(limits.limitOf(did)),
        tasksCompleted: a?.completed ?? 0,
        tasksFailed: a?.failed ?? 0,
      }
    },
    peers: (): string[] => [...book.accounts.keys()].sort(),
    defaultLimit: limits.defaultLimit,
    setLimit: limits.setLimit,
    setNetworkLimit: limits.setNetworkLimit,
    networkLimits: limits.networkLimits,

    entries: (peer: string | undefined, before: number, limit: number) => db.entries(peer, before, limit),
    receipt: (taskId: string) => db.receipt(taskId),
    receipts: () => db.receipts(),
    settlements: () => db.settlements(),
    commit: (ops: StoreOp[]) => db.commit(ops),
    verify: () => verifyBooks(db, book),

    /**
     * Checks the books after start, in the background: a mismatch is reported, not hidden (and not
     * fatal). It reads every entry and verifies two signatures per settled receipt, so it grows with
     * the ledger; the daemon answers meanwhile (VerifyLedger runs the same check on demand).
     */
    start(): void {
      const began = performance.now()
      verifying = verifyBooks(db, book, { signal: verifyAbort.signal })
        .then((check) => {
          if (verifyAbort.signal.aborted) return
          const ms = Math.round(performance.now() - began)
          if (!check.ok)
            c.logger.error({ problems: check.problems, ms }, 'ledger verification failed at start')
          else
            c.logger.debug(
              { peers: check.peersChecked, entries: check.entriesChecked, ms },
              'ledger verified',
            )
        })
        .catch((err: Error) => {
          if (!verifyAbort.signal.aborted)
            c.logger.error({ err: err.message }, 'ledger verification failed at start')
        })
    },
    async stop(): Promise<void> {
      verifyAbort.abort()
      await verifying
    },
  }
}

export type Ledger = Awaited<ReturnType<typeof createLedger>>
