// The bilateral credit ledger: per-counterparty balances derived from signed documents only.
//   - Admission (provider side): a priced task is admitted only if balance + reserved + price stays
//     within the credit limit granted to the requester; the check and the reservation happen in one
//     synchronous step (no await in between), so concurrent offers can never overshoot. Refused offers
//     carry a signed, single-use payment-required quote; an authorisation signed by the requester
//     admits the task once.
//   - Receipts: the provider signs at completion; the requester checks the result hash and price and
//     countersigns; each side moves its balance only with both signatures (a refusal is a dispute).
//   - Settlements: a proposal signed by the payer moves both balances only once countersigned.
// Every change comes back as store ops for the caller to commit with the task change it belongs to.

import { randomBytes } from 'node:crypto'
import { newId } from '../common/ids.ts'
import type { LedgerOptions } from '../config/options.ts'
import { failedPrecondition, invalidArgument, notFound } from '../errors/moltmesh-error.ts'
import type { EventBus } from '../events/event-bus.ts'
import type { Identity } from '../identity/identity.ts'
import type { Logger } from '../log/logger.ts'
import type { Store, StoreOp } from '../store/store.ts'
import { formatCredits, parseCredits } from './amounts.ts'
import { type Account, type Entry, type LedgerStore, openLedgerStore } from './ledger-store.ts'
import {
  authorizationBytes,
  type PaymentAuthorization,
  type PaymentQuote,
  quoteBytes,
  type Receipt,
  receiptBytes,
  resultHash,
  type Settlement,
  settlementBytes,
  sign,
  verify,
} from './signed-docs.ts'

export interface LedgerComponents {
  identity: Identity
  store: Store
  events: EventBus
  logger: Logger
}

export interface Refusal {
  reason: string
  message: string
  quote?: PaymentQuote
}

interface LiveAccount {
  balance: bigint
  reserved: bigint
  limit?: bigint
  completed: number
  failed: number
}

export async function createLedger(c: LedgerComponents, options: LedgerOptions) {
  const db: LedgerStore = await openLedgerStore(c.store)
  const self = c.identity.did
  const accounts = new Map<string, LiveAccount>()
  const reservations = new Map<string, { did: string; amount: bigint }>()
  let defaultLimit = parseCredits((await db.defaultLimit()) ?? options.defaultCreditLimit) ?? 0n
  const networkLimits = new Map<string, bigint>()
  for (const [id, amount] of await db.networkLimits()) networkLimits.set(id, parseCredits(amount) ?? 0n)
  // The networks this agent shares with a peer; set once the networks subsystem runs (it starts later).
  let sharedNetworks: (did: string) => string[] = () => []

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

  function account(did: string): LiveAccount {
    let a = accounts.get(did)
    if (a == null) {
      a = { balance: 0n, reserved: 0n, completed: 0, failed: 0 }
      accounts.set(did, a)
    }
    return a
  }

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

  /** Moves the balance by `delta` with an entry; returns the ops. */
  function move(did: string, delta: bigint, kind: Entry['kind'], reference: string): StoreOp[] {
    const a = account(did)
    a.balance += delta
    const { ops } = db.entryOps({
      peer: did,
      amount: formatCredits(delta),
      kind,
      reference,
      createdAtMs: Date.now(),
      balanceAfter: formatCredits(a.balance),
    })
    return [...ops, accountOp(did)]
  }

  /**
   * The credit limit granted to `did`: its own override, else the highest default of the networks
   * we share with it that have one, else the global default.
   */
  function limitOf(did: string): bigint {
    const own = accounts.get(did)?.limit
    if (own != null) return own
    let best: bigint | undefined
    if (networkLimits.size > 0)
      for (const id of sharedNetworks(did)) {
        const limit = networkLimits.get(id)
        if (limit != null && (best == null || limit > best)) best = limit
      }
    return best ?? defaultLimit
  }

  async function quoteFor(requester: string, price: bigint): Promise<PaymentQuote> {
    const q: PaymentQuote = {
      price: formatCredits(price),
      nonce: randomBytes(16).toString('hex'),
      expiresAtMs: Date.now() + options.quoteTtlMs,
      providerDid: self,
      signature: '',
    }
    q.signature = await sign(c.identity, quoteBytes(q))
    await db.commit([
      db.quoteOp(q.nonce, { requester, price: q.price, expiresAtMs: q.expiresAtMs, used: false }),
    ])
    return q
  }

  /** Checks an authorisation against the quote we issued; returns the ops that use up its nonce. */
  async function acceptAuthorization(
    requester: string,
    price: bigint,
    auth: PaymentAuthorization,
  ): Promise<StoreOp[] | Refusal> {
    const q = auth.quote
    const bad = (message: string): Refusal => ({ reason: 'PAYMENT_INVALID', message })
    if (q == null) return bad('the authorisation has no quote')
    const issued = await db.quote(q.nonce)
    if (issued == null || issued.requester !== requester || q.providerDid !== self)
      return bad('unknown quote')
    if (issued.used) return { reason: 'NONCE_REPLAYED', message: 'this quote was already used' }
    if (issued.expiresAtMs <= Date.now()) return bad('the quote has expired')
    if ((parseCredits(q.price) ?? -1n) < price || q.price !== issued.price)
      return bad('the quote does not cover the price')
    if (!(await verify(self, quoteBytes(q), q.signature)))
      return bad('the quote is not signed by this provider')
    if (
      auth.requesterDid !== requester ||
      !(await verify(requester, authorizationBytes(q, requester), auth.signature))
    )
      return bad('the authorisation is not signed by the requester')
    // Single use, decided synchronously: a concurrent offer with the same nonce sees it used.
    if (usedNonces.has(q.nonce)) return { reason: 'NONCE_REPLAYED', message: 'this quote was already used' }
    usedNonces.add(q.nonce)
    return [db.quoteOp(q.nonce, { ...issued, used: true })]
  }
  const usedNonces = new Set<string>()

  /** Provider side: a task that ends without a settled receipt gives its reservation back. */
  function release(taskId: string, failed: boolean): StoreOp[] {
    const r = reservations.get(taskId)
    if (r == null) return []
    reservations.delete(taskId)
    const a = account(r.did)
    a.reserved -= r.amount
    if (failed) a.failed++
    const { ops } = db.entryOps({
      peer: r.did,
      amount: formatCredits(-r.amount),
      kind: 'release',
      reference: taskId,
      createdAtMs: Date.now(),
      balanceAfter: formatCredits(a.balance),
    })
    return [...ops, db.dropReservationOp(taskId), accountOp(r.did)]
  }

  return {
    parsePrice: (price: string): bigint => parseCredits(price === '' ? '0' : price) ?? 0n,

    /**
     * Provider side, when a priced offer arrives: reserve `price` for `taskId` if the requester's
     * limit allows it (or it carries a valid payment authorisation); otherwise a refusal with a quote.
     */
    async admit(
      requester: string,
      price: bigint,
      taskId: string,
      payment?: PaymentAuthorization,
    ): Promise<{ ops: StoreOp[] } | { refusal: Refusal }> {
      let paymentOps: StoreOp[] = []
      if (payment != null) {
        const accepted = await acceptAuthorization(requester, price, payment)
        if (!Array.isArray(accepted)) return { refusal: accepted }
        paymentOps = accepted
      }
      // From here to the reservation there is no await: check and reserve are one atomic step.
      const a = account(requester)
      if (payment == null && a.balance + a.reserved + price > limitOf(requester)) {
        const quote = await quoteFor(requester, price)
        return {
          refusal: {
            reason: 'CREDIT_LIMIT_EXCEEDED',
            message: `this task costs ${formatCredits(price)} credits and would exceed the credit limit of ${formatCredits(limitOf(requester))} (owed ${formatCredits(a.balance)}, reserved ${formatCredits(a.reserved)}); accept the quote to go ahead`,
            quote,
          },
        }
      }
      a.reserved += price
      reservations.set(taskId, { did: requester, amount: price })
      const { ops } = db.entryOps({
        peer: requester,
        amount: formatCredits(price),
        kind: 'reservation',
        reference: taskId,
        createdAtMs: Date.now(),
        balanceAfter: formatCredits(a.balance),
      })
      return {
        ops: [
          ...paymentOps,
          ...ops,
          db.reservationOp(taskId, { did: requester, amount: price.toString() }),
          accountOp(requester),
        ],
      }
    },

    release,

    hasReservation: (taskId: string) => reservations.has(taskId),

    /** Provider side, at completion: the receipt, signed, stored as pending. */
    async issueReceipt(
      task: { id: string; requester: string; skill: string; output: string[] },
      price: bigint,
    ) {
      const receipt: Receipt = {
        taskId: task.id,
        requester: task.requester,
        provider: self,
        skill: task.skill,
        price: formatCredits(price),
        resultHash: resultHash(task.output),
        issuedAtMs: Date.now(),
        providerSignature: '',
        requesterSignature: '',
        status: 'pending',
      }
      receipt.providerSignature = await sign(c.identity, receiptBytes(receipt))
      return { receipt, ops: [db.receiptOp(task.id, receipt)] }
    },

    /**
     * Requester side: checks the provider's receipt against the task (parties, price, result hash,
     * signature) and countersigns it — or records a dispute (always, with `refuseBecause`). Moves the
     * balance only when settled.
     */
    async countersign(
      task: { id: string; assignee: string; skill: string; maxPrice: string },
      receipt: Receipt,
      storedOutput: string[],
      refuseBecause?: string,
    ): Promise<{ receipt: Receipt; ops: StoreOp[] }> {
      const problems: string[] = refuseBecause != null ? [refuseBecause] : []
      if (receipt.taskId !== task.id || receipt.requester !== self || receipt.provider !== task.assignee)
        problems.push('parties')
      if (receipt.skill !== task.skill) problems.push('skill')
      const price = parseCredits(receipt.price)
      const max = task.maxPrice === '' ? 0n : (parseCredits(task.maxPrice) ?? 0n)
      if (price == null || price > max) problems.push('price above max_price')
      if (receipt.resultHash !== resultHash(storedOutput)) problems.push('result hash')
      if (!(await verify(task.assignee, receiptBytes(receipt), receipt.providerSignature)))
        problems.push('signature')
      if (problems.length > 0 || price == null) {
        c.logger.warn({ task: task.id, provider: task.assignee, problems }, 'receipt disputed')
        const disputed = { ...receipt, requesterSignature: '', status: 'disputed' }
        return { receipt: disputed, ops: [db.receiptOp(task.id, disputed)] }
      }
      const settled = {
        ...receipt,
        requesterSignature: await sign(c.identity, receiptBytes(receipt)),
        status: 'settled',
      }
      account(task.assignee).completed++
      const ops = [db.receiptOp(task.id, settled), ...move(task.assignee, -price, 'receipt', task.id)]
      c.events.emit('ledger.receipt', { receipt: settled })
      return { receipt: settled, ops }
    },

    /** Provider side: the requester's answer to our receipt. */
    async receiptAnswer(from: string, answer: Receipt): Promise<StoreOp[] | { reason: string }> {
      const ours = await db.receipt(answer.taskId)
      if (ours == null || ours.requester !== from || ours.provider !== self)
        return { reason: 'TASK_NOT_FOUND' }
      if (ours.status !== 'pending') return []
      if (answer.status === 'disputed') {
        c.logger.warn({ task: ours.taskId, requester: from }, 'the requester disputed our receipt')
        return [db.receiptOp(ours.taskId, { ...ours, status: 'disputed' }), ...release(ours.taskId, false)]
      }
      if (!(await verify(from, receiptBytes(ours), answer.requesterSignature)))
        return { reason: 'SIGNATURE_INVALID' }
      const settled = { ...ours, requesterSignature: answer.requesterSignature, status: 'settled' }
      const r = reservations.get(ours.taskId)
      const releaseOps = r != null ? release(ours.taskId, false) : []
      account(from).completed++
      c.events.emit('ledger.receipt', { receipt: settled })
      return [
        db.receiptOp(ours.taskId, settled),
        ...releaseOps,
        ...move(from, parseCredits(ours.price) ?? 0n, 'receipt', ours.taskId),
      ]
    },

    /** The requester's signature accepting a quote (CreateTask with `payment`). */
    async authorize(quote: PaymentQuote): Promise<PaymentAuthorization> {
      if (quote.nonce === '' || quote.providerDid === '')
        throw invalidArgument('PAYMENT_INVALID', 'payment.quote is incomplete')
      return { quote, requesterDid: self, signature: await sign(c.identity, authorizationBytes(quote, self)) }
    },

    // ------------------------------------------------------------------ settlements

    /** Proposes that we paid `peer` `amount`; nothing moves until the peer countersigns. */
    async propose(
      peer: string,
      amount: string,
      reference: string,
    ): Promise<{ settlement: Settlement; ops: StoreOp[] }> {
      const value = parseCredits(amount)
      if (value == null || value <= 0n)
        throw invalidArgument('INVALID_AMOUNT', 'amount must be a positive decimal of credits')
      if (peer === self) throw invalidArgument('SELF_TARGET', 'cannot settle with yourself')
      if (reference.length > 256)
        throw invalidArgument('INVALID_ARGUMENT', 'reference is at most 256 characters')
      const s: Settlement = {
        id: newId('stl'),
        proposer: self,
        counterparty: peer,
        amount: formatCredits(value),
        reference,
        status: 'proposed',
        proposerSignature: '',
        counterpartySignature: '',
        createdAtMs: Date.now(),
      }
      s.proposerSignature = await sign(c.identity, settlementBytes(s))
      return { settlement: s, ops: [db.settlementOp(s)] }
    },

    /** Countersigns (or rejects) a proposal made to us; returns it and the ops. */
    async respond(id: string, accept: boolean): Promise<{ settlement: Settlement; ops: StoreOp[] }> {
      const s = await db.settlement(id)
      if (s == null) throw notFound('SETTLEMENT_NOT_FOUND', `no settlement with id "${id}"`)
      if (s.counterparty !== self)
        throw failedPrecondition('NOT_COUNTERPARTY', 'only the counterparty answers a settlement')
      if (s.status !== 'proposed')
        throw failedPrecondition('SETTLEMENT_CLOSED', `settlement ${id} is already ${s.status}`)
      if (!accept) {
        const rejected = { ...s, status: 'rejected' }
        return { settlement: rejected, ops: [db.settlementOp(rejected)] }
      }
      const accepted = {
        ...s,
        status: 'accepted',
        counterpartySignature: await sign(c.identity, settlementBytes(s)),
      }
      // The proposer paid us: it owes us that much less (positive balance = the peer owes us).
      const ops = [
        db.settlementOp(accepted),
        ...move(s.proposer, -(parseCredits(s.amount) ?? 0n), 'settlement', id),
      ]
      c.events.emit('ledger.settlement', { settlement: accepted })
      return { settlement: accepted, ops }
    },

    /** A settlement document from a peer: a new proposal to us, or the answer to ours. */
    async settlementFrame(from: string, s: Settlement): Promise<StoreOp[] | { reason: string }> {
      if (s.proposer === from && s.counterparty === self && s.status === 'proposed') {
        if ((parseCredits(s.amount) ?? 0n) <= 0n) return { reason: 'MALFORMED' }
        if (!(await verify(from, settlementBytes(s), s.proposerSignature)))
          return { reason: 'SIGNATURE_INVALID' }
        if ((await db.settlement(s.id)) != null) return []
        c.events.emit('ledger.settlement', { settlement: s })
        return [db.settlementOp({ ...s, counterpartySignature: '' })]
      }
      const ours = await db.settlement(s.id)
      if (ours == null || ours.proposer !== self || ours.counterparty !== from)
        return { reason: 'SETTLEMENT_NOT_FOUND' }
      if (ours.status !== 'proposed') return []
      if (s.status === 'rejected') return [db.settlementOp({ ...ours, status: 'rejected' })]
      if (s.status !== 'accepted' || !(await verify(from, settlementBytes(ours), s.counterpartySignature)))
        return { reason: 'SIGNATURE_INVALID' }
      const accepted = { ...ours, status: 'accepted', counterpartySignature: s.counterpartySignature }
      c.events.emit('ledger.settlement', { settlement: accepted })
      // We paid the peer: we owe it that much less.
      return [db.settlementOp(accepted), ...move(from, parseCredits(ours.amount) ?? 0n, 'settlement', s.id)]
    },

    // ------------------------------------------------------------------ queries

    balance(did: string) {
      const a = accounts.get(did)
      return {
        peer: did,
        balance: formatCredits(a?.balance ?? 0n),
        reserved: formatCredits(a?.reserved ?? 0n),
        creditLimit: formatCredits(limitOf(did)),
        tasksCompleted: a?.completed ?? 0,
        tasksFailed: a?.failed ?? 0,
      }
    },
    peers: (): string[] => [...accounts.keys()].sort(),
    defaultLimit: (): string => formatCredits(defaultLimit),

    /** Lets network membership decide limits (called once the networks subsystem is up). */
    useNetworks(shared: (did: string) => string[]): void {
      sharedNetworks = shared
    },

    /** Sets (or with `amount` null, removes) the default limit for members of a network. */
    async setNetworkLimit(networkId: string, amount: string | null): Promise<void> {
      if (amount == null) {
        networkLimits.delete(networkId)
        await db.commit([db.networkLimitOp(networkId, undefined)])
        return
      }
      const value = parseCredits(amount)
      if (value == null)
        throw invalidArgument('INVALID_AMOUNT', 'amount must be a non-negative decimal of credits')
      networkLimits.set(networkId, value)
      await db.commit([db.networkLimitOp(networkId, formatCredits(value))])
    },
    networkLimits: (): Array<{ network: string; amount: string }> =>
      [...networkLimits].map(([network, v]) => ({ network, amount: formatCredits(v) })),

    async setLimit(did: string | undefined, amount: string): Promise<void> {
      const value = parseCredits(amount)
      if (value == null)
        throw invalidArgument('INVALID_AMOUNT', 'amount must be a non-negative decimal of credits')
      if (did == null) {
        defaultLimit = value
        await db.commit([db.defaultLimitOp(formatCredits(value))])
        return
      }
      account(did).limit = value
      await db.commit([accountOp(did)])
    },

    entries: (peer: string | undefined, before: number, limit: number) => db.entries(peer, before, limit),
    receipt: (taskId: string) => db.receipt(taskId),
    receipts: () => db.receipts(),
    settlements: () => db.settlements(),
    commit: (ops: StoreOp[]) => db.commit(ops),

    /** Every cached balance equals the sum of its receipt and settlement entries; receipts verify. */
    async verify(): Promise<{
      ok: boolean
      peersChecked: number
      entriesChecked: number
      problems: string[]
    }> {
      const problems: string[] = []
      let entriesChecked = 0
      for (const did of accounts.keys()) {
        let sum = 0n
        let reserved = 0n
        for (const e of await db.allEntries(did)) {
          entriesChecked++
          const amount = parseCredits(e.amount, true) ?? 0n
          if (e.kind === 'receipt' || e.kind === 'settlement') sum += amount
          else reserved += amount
        }
        const a = account(did)
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
      return { ok: problems.length === 0, peersChecked: accounts.size, entriesChecked, problems }
    },
  }
}

export type Ledger = Awaited<ReturnType<typeof createLedger>>
