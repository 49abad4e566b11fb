// Ledger RPCs of A2ANode: proto <-> ledger records, nothing else.

import type { A2ANodeService } from '../../clients/ts/gen/moltmesh/v1/a2a.ts'
import type { Balance, LedgerEntry } from '../../clients/ts/gen/moltmesh/v1/types.ts'
import { pageSize, parseCursor } from '../common/paging.ts'
import { invalidArgument, notFound } from '../errors/moltmesh-error.ts'
import type { Ledger } from '../ledger/ledger.ts'
import type { Entry } from '../ledger/ledger-store.ts'
import type { TasksService } from '../tasks/tasks.ts'
import { apiReceipt, apiSettlement } from './convert.ts'
import type { ServiceHandlers } from './service-types.ts'

export interface LedgerAdapterDeps {
  ledger: Ledger
  tasks: TasksService
  resolveTarget: (value: string) => Promise<string>
  /** Whether this agent knows a network (for network default limits). */
  knowsNetwork: (networkId: string) => boolean
}

const SETTLEMENT_STATUSES = ['proposed', 'accepted', 'rejected']

function entryProto(e: Entry): LedgerEntry {
  return {
    id: e.id,
    peer: e.peer,
    amount: e.amount,
    kind: e.kind,
    reference: e.reference,
    createdAtMs: e.createdAtMs,
    balanceAfter: e.balanceAfter,
  }
}

function balanceProto(b: ReturnType<Ledger['balance']>): Balance {
  return {
    peer: b.peer,
    balance: b.balance,
    reserved: b.reserved,
    creditLimit: b.creditLimit,
    tasksCompleted: b.tasksCompleted,
    tasksFailed: b.tasksFailed,
  }
}

export function ledgerAdapter(d: LedgerAdapterDeps) {
  const peerOf = async (value: string) => {
    if (value.trim() === '')
      throw invalidArgument('INVALID_ARGUMENT', 'peer is required: a DID or a claimed name')
    return d.resolveTarget(value)
  }
  const optionalPeer = async (value: string) => (value.trim() === '' ? undefined : d.resolveTarget(value))

  return {
    async getBalance(req) {
      return { balance: balanceProto(d.ledger.balance(await peerOf(req.peer))) }
    },
    listBalances() {
      return {
        balances: d.ledger.peers().map((p) => balanceProto(d.ledger.balance(p))),
        defaultCreditLimit: d.ledger.defaultLimit(),
      }
    },
    async listLedgerEntries(req) {
      const limit = pageSize(req.pageSize)
      const entries = await d.ledger.entries(
        await optionalPeer(req.peer),
        parseCursor(req.pageToken, 'page_token'),
        limit,
      )
      const last = entries.at(-1)
      return {
        entries: entries.map(entryProto),
        nextPageToken: entries.length === limit && last != null ? String(Number(last.id.slice(3))) : '',
      }
    },
    async getReceipt(req) {
      const receipt = req.taskId === '' ? undefined : await d.ledger.receipt(req.taskId)
      if (receipt == null) throw notFound('RECEIPT_NOT_FOUND', `no receipt for task "${req.taskId}"`)
      return { receipt: apiReceipt(receipt) }
    },
    async listReceipts(req) {
      const peer = await optionalPeer(req.peer)
      const limit = pageSize(req.pageSize)
      const all = (await d.ledger.receipts())
        .filter((r) => peer == null || r.requester === peer || r.provider === peer)
        .sort((a, b) => b.issuedAtMs - a.issuedAtMs || (a.taskId < b.taskId ? 1 : -1))
      const start = req.pageToken === '' ? 0 : all.findIndex((r) => r.taskId === req.pageToken) + 1
      const page = all.slice(start, start + limit)
      return {
        receipts: page.map(apiReceipt),
        nextPageToken: start + limit < all.length ? (page.at(-1)?.taskId ?? '') : '',
      }
    },
    async setCreditLimit(req) {
      const targets = [req.peer !== '', req.defaultLimit, req.network !== ''].filter(Boolean).length
      if (targets > 1)
        throw invalidArgument('INVALID_ARGUMENT', 'give one of peer, default_limit and network')
      if (req.network !== '') {
        if (!d.knowsNetwork(req.network))
          throw notFound('NETWORK_NOT_FOUND', `this agent knows no network ${req.network}`)
        await d.ledger.setNetworkLimit(req.network, req.amount === '' ? null : req.amount)
        return {}
      }
      if (req.defaultLimit) {
        await d.ledger.setLimit(undefined, req.amount)
        return {}
      }
      const peer = await peerOf(req.peer)
      await d.ledger.setLimit(peer, req.amount)
      return { balance: balanceProto(d.ledger.balance(peer)) }
    },
    async settleBalance(req) {
      return {
        settlement: apiSettlement(
          await d.tasks.proposeSettlement(await peerOf(req.peer), req.amount, req.reference),
        ),
      }
    },
    async respondSettlement(req) {
      return { settlement: apiSettlement(await d.tasks.respondSettlement(req.id, req.accept)) }
    },
    async listSettlements(req) {
      const peer = await optionalPeer(req.peer)
      if (req.status !== '' && !SETTLEMENT_STATUSES.includes(req.status))
        throw invalidArgument('INVALID_ARGUMENT', `status is one of ${SETTLEMENT_STATUSES.join(', ')}`)
      const settlements = (await d.ledger.settlements())
        .filter((s) => peer == null || s.proposer === peer || s.counterparty === peer)
        .filter((s) => req.status === '' || s.status === req.status)
        .sort((a, b) => b.createdAtMs - a.createdAtMs)
      return { settlements: settlements.map(apiSettlement) }
    },
    async verifyLedger() {
      return await d.ledger.verify()
    },
  } satisfies ServiceHandlers<typeof A2ANodeService>
}
