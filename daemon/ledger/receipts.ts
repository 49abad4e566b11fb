// Receipts of priced tasks: the provider signs one at completion; the requester checks it against
// the task (parties, price within max_price, result hash, signature) and countersigns — or records a
// dispute. Each side moves its balance only once both signatures are there.

import type { EventBus } from '../events/event-bus.ts'
import type { Identity } from '../identity/identity.ts'
import type { Logger } from '../log/logger.ts'
import type { StoreOp } from '../store/store.ts'
import type { Admission } from './admission.ts'
import { formatCredits, parseCredits } from './amounts.ts'
import type { Book } from './book.ts'
import type { LedgerStore } from './ledger-store.ts'
import { type Receipt, receiptBytes, resultHash, sign, verify } from './signed-docs.ts'

export interface ReceiptComponents {
  db: LedgerStore
  book: Book
  identity: Identity
  events: EventBus
  logger: Logger
  admission: Pick<Admission, 'release'>
}

export function createReceipts(c: ReceiptComponents) {
  const self = c.identity.did
  const { db, book } = c

  return {
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
     * Requester side: checks the provider's receipt against the task and countersigns it — or
     * records a dispute (always, with `refuseBecause`). Moves the balance only when settled.
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
      book.account(task.assignee).completed++
      const ops = [db.receiptOp(task.id, settled), ...book.move(task.assignee, -price, 'receipt', task.id)]
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
        return [
          db.receiptOp(ours.taskId, { ...ours, status: 'disputed' }),
          ...c.admission.release(ours.taskId, false),
        ]
      }
      if (!(await verify(from, receiptBytes(ours), answer.requesterSignature)))
        return { reason: 'SIGNATURE_INVALID' }
      const settled = { ...ours, requesterSignature: answer.requesterSignature, status: 'settled' }
      const releaseOps = c.admission.release(ours.taskId, false)
      book.account(from).completed++
      c.events.emit('ledger.receipt', { receipt: settled })
      return [
        db.receiptOp(ours.taskId, settled),
        ...releaseOps,
        ...book.move(from, parseCredits(ours.price) ?? 0n, 'receipt', ours.taskId),
      ]
    },
  }
}
