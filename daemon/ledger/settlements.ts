// Settlements: the payer proposes (signed) that it paid a peer an amount; balances on both sides
// move only once the peer countersigns. A proposal to us and the answer to ours arrive as task
// frames (tasks/inbound.ts).

import { newId } from '../common/ids.ts'
import { failedPrecondition, invalidArgument, notFound } from '../errors/moltmesh-error.ts'
import type { EventBus } from '../events/event-bus.ts'
import type { Identity } from '../identity/identity.ts'
import type { StoreOp } from '../store/store.ts'
import { formatCredits, parseCredits } from './amounts.ts'
import type { Book } from './book.ts'
import type { LedgerStore } from './ledger-store.ts'
import { type Settlement, settlementBytes, sign, verify } from './signed-docs.ts'

export interface SettlementComponents {
  db: LedgerStore
  book: Book
  identity: Identity
  events: EventBus
}

export function createSettlements(c: SettlementComponents) {
  const self = c.identity.did
  const { db, book } = c

  return {
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
        ...book.move(s.proposer, -(parseCredits(s.amount) ?? 0n), 'settlement', id),
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
      return [
        db.settlementOp(accepted),
        ...book.move(from, parseCredits(ours.amount) ?? 0n, 'settlement', s.id),
      ]
    },
  }
}
