// Payment-required quotes: a provider refusing a priced task over the credit limit issues a signed,
// single-use quote (price, nonce, expiry); the requester signs an authorisation of it, which admits
// one task. Offers with the same nonce are checked one at a time, in arrival order, and the nonce is
// used up before the next is checked: of two concurrent offers the first is admitted, the other refused.

import { randomBytes } from 'node:crypto'
import { createKeyedLock } from '../common/keyed-lock.ts'
import { invalidArgument } from '../errors/moltmesh-error.ts'
import type { Identity } from '../identity/identity.ts'
import type { StoreOp } from '../store/store.ts'
import { formatCredits, parseCredits } from './amounts.ts'
import type { LedgerStore } from './ledger-store.ts'
import {
  authorizationBytes,
  type PaymentAuthorization,
  type PaymentQuote,
  quoteBytes,
  sign,
  verify,
} from './signed-docs.ts'

export interface Refusal {
  reason: string
  message: string
  quote?: PaymentQuote
}

export interface PaymentQuoteComponents {
  db: LedgerStore
  identity: Identity
}

export function createPaymentQuotes(c: PaymentQuoteComponents, options: { quoteTtlMs: number }) {
  const self = c.identity.did
  const usedNonces = new Set<string>()
  // Without it the order of two offers' signature checks (async) would decide which one wins.
  const byNonce = createKeyedLock()

  return {
    /** Provider side: a signed quote for `price`, stored as issued to `requester`. */
    async quoteFor(requester: string, price: bigint): Promise<PaymentQuote> {
      const q: PaymentQuote = {
        price: formatCredits(price),
        nonce: randomBytes(16).toString('hex'),
        expiresAtMs: Date.now() + options.quoteTtlMs,
        providerDid: self,
        signature: '',
      }
      q.signature = await sign(c.identity, quoteBytes(q))
      await c.db.commit([
        c.db.quoteOp(q.nonce, { requester, price: q.price, expiresAtMs: q.expiresAtMs, used: false }),
      ])
      return q
    },

    /** Checks an authorisation against the quote we issued; returns the ops that use up its nonce. */
    async accept(requester: string, price: bigint, auth: PaymentAuthorization): Promise<StoreOp[] | Refusal> {
      const q = auth.quote
      const bad = (message: string): Refusal => ({ reason: 'PAYMENT_INVALID', message })
      if (q == null) return bad('the authorisation has no quote')
      return byNonce(q.nonce, async () => {
        const issued = await c.db.quote(q.nonce)
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
        // Single use: a later offer with the same nonce (also one not yet committed) sees it used.
        if (usedNonces.has(q.nonce))
          return { reason: 'NONCE_REPLAYED', message: 'this quote was already used' }
        usedNonces.add(q.nonce)
        return [c.db.quoteOp(q.nonce, { ...issued, used: true })]
      })
    },

    /** Requester side: our signature accepting a quote (CreateTask with `payment`). */
    async authorize(quote: PaymentQuote): Promise<PaymentAuthorization> {
      if (quote.nonce === '' || quote.providerDid === '')
        throw invalidArgument('PAYMENT_INVALID', 'payment.quote is incomplete')
      return { quote, requesterDid: self, signature: await sign(c.identity, authorizationBytes(quote, self)) }
    },
  }
}

export type PaymentQuotes = ReturnType<typeof createPaymentQuotes>
