// Provider side of a priced task: admission reserves the price if the requester's balance plus what
// is already reserved plus the price stays within its credit limit — the check and the reservation
// are one synchronous step (no await in between), so concurrent offers can never overshoot. Beyond
// the limit the offer is refused with a payment-required quote; an authorisation of that quote
// admits the task once. A task that ends without a settled receipt releases its reservation.

import type { StoreOp } from '../store/store.ts'
import { formatCredits } from './amounts.ts'
import type { Book } from './book.ts'
import type { CreditLimits } from './credit-limits.ts'
import type { LedgerStore } from './ledger-store.ts'
import type { PaymentQuotes, Refusal } from './payment-quotes.ts'
import type { PaymentAuthorization } from './signed-docs.ts'

export interface AdmissionComponents {
  db: LedgerStore
  book: Book
  limits: Pick<CreditLimits, 'limitOf'>
  quotes: Pick<PaymentQuotes, 'quoteFor' | 'accept'>
}

export function createAdmission(c: AdmissionComponents) {
  const { book } = c

  /** Gives a task's reservation back (a failed task counts against the requester). */
  function release(taskId: string, failed: boolean): StoreOp[] {
    const r = book.reservations.get(taskId)
    if (r == null) return []
    book.reservations.delete(taskId)
    const a = book.account(r.did)
    a.reserved -= r.amount
    if (failed) a.failed++
    return [
      ...book.entryOps(r.did, -r.amount, 'release', taskId),
      c.db.dropReservationOp(taskId),
      book.accountOp(r.did),
    ]
  }

  return {
    /**
     * Reserves `price` for `taskId` if the requester's limit allows it (or it carries a valid payment
     * authorisation); otherwise a refusal with a quote.
     */
    async admit(
      requester: string,
      price: bigint,
      taskId: string,
      payment?: PaymentAuthorization,
    ): Promise<{ ops: StoreOp[] } | { refusal: Refusal }> {
      let paymentOps: StoreOp[] = []
      if (payment != null) {
        const accepted = await c.quotes.accept(requester, price, payment)
        if (!Array.isArray(accepted)) return { refusal: accepted }
        paymentOps = accepted
      }
      // From here to the reservation there is no await: check and reserve are one atomic step.
      const a = book.account(requester)
      const limit = c.limits.limitOf(requester)
      if (payment == null && a.balance + a.reserved + price > limit) {
        const quote = await c.quotes.quoteFor(requester, price)
        return {
          refusal: {
            reason: 'CREDIT_LIMIT_EXCEEDED',
            message: `this task costs ${formatCredits(price)} credits and would exceed the credit limit of ${formatCredits(limit)} (owed ${formatCredits(a.balance)}, reserved ${formatCredits(a.reserved)}); accept the quote to go ahead`,
            quote,
          },
        }
      }
      a.reserved += price
      book.reservations.set(taskId, { did: requester, amount: price })
      return {
        ops: [
          ...paymentOps,
          ...book.entryOps(requester, price, 'reservation', taskId),
          c.db.reservationOp(taskId, { did: requester, amount: price.toString() }),
          book.accountOp(requester),
        ],
      }
    },

    release,

    hasReservation: (taskId: string): boolean => book.reservations.has(taskId),
  }
}

export type Admission = ReturnType<typeof createAdmission>
