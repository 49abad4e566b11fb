// Ordered-thread RPCs of Ext (docs/threads.md): proto <-> the ordered-threads service, nothing else.
// Conversions are in convert.ts.

import type { ExtService } from '../../clients/ts/gen/moltmesh/v1/ext.ts'
import { invalidArgument } from '../errors/moltmesh-error.ts'
import type { OrderedThreadsService } from '../ordered-threads/ordered-threads-service.ts'
import {
  apiOrderedThread,
  apiOrderedThreadSummary,
  apiThreadEntry,
  apiThreadInvitation,
  apiThreadStatus,
  apiVerifyResult,
  wireParts,
} from './convert.ts'
import type { OrderedThreadListing } from './messaging-adapter.ts'
import type { ServiceHandlers } from './service-types.ts'

export function orderedThreadsAdapter(s: OrderedThreadsService) {
  return {
    async createOrderedThread(req) {
      const { record, invitations } = await s.create({ members: req.members, title: req.title })
      return { thread: apiOrderedThread(record), invitations }
    },
    async listThreadInvitations() {
      return { invitations: (await s.invitations()).map(apiThreadInvitation) }
    },
    async acceptThreadInvitation(req) {
      return { thread: apiOrderedThread(await s.accept(req.threadId)) }
    },
    async appendToThread(req) {
      return s.append({
        threadId: req.threadId,
        parts: wireParts(req.parts),
        clientId: req.clientId,
        seq: req.seq,
        timeoutMs: req.timeoutMs,
      })
    },
    async readThread(req) {
      const { entries, readIndex } = await s.read(req)
      return { entries: entries.map((v) => apiThreadEntry(req.threadId, v)), readIndex }
    },
    async *subscribeThread(req, ctx) {
      for await (const v of s.subscribe(req.threadId, req.afterIndex, ctx.signal))
        yield { entry: apiThreadEntry(req.threadId, v) }
    },
    getThreadStatus(req) {
      const { record, status } = s.status(req.threadId)
      return apiThreadStatus(record, status)
    },
    addThreadMember: (req) => s.addMember(req),
    removeThreadMember: (req) => s.removeMember(req),
    exportThread: (req) => s.export(req.threadId),
    verifyThread: async (req) => apiVerifyResult(await s.verify(req)),
  } satisfies ServiceHandlers<typeof ExtService>
}

/** Ordered threads in ListThreads and GetThread (messaging-adapter.ts). */
export function orderedThreadListing(
  s: OrderedThreadsService,
  resolveTarget: (value: string) => Promise<string>,
): OrderedThreadListing {
  return {
    async summaries(peer) {
      const did = peer.trim() === '' ? '' : await resolveTarget(peer)
      const out = []
      for (const record of s.list()) {
        const { status } = s.status(record.genesis.groupId)
        const members = [...status.voters, ...status.learners]
        if (did !== '' && !members.includes(did)) continue
        out.push(apiOrderedThreadSummary(record, status, s.selfDid))
      }
      return out
    },
    async entries(threadId, pageSize, pageToken) {
      if (!s.list().some((r) => r.genesis.groupId === threadId)) return undefined
      const after = pageToken === '' ? 0 : Number(pageToken)
      if (!Number.isSafeInteger(after) || after < 0)
        throw invalidArgument('INVALID_CURSOR', 'page_token of an ordered thread is an entry index')
      // The page size as ReadThread clamps it: a full page means there may be more.
      const limit = pageSize === 0 ? 100 : Math.min(pageSize, 1000)
      const { entries } = await s.read({ threadId, afterIndex: after, limit, timeoutMs: 0 })
      const last = entries.at(-1)?.entry.index
      return {
        messages: [],
        orderedEntries: entries.map((v) => apiThreadEntry(threadId, v)),
        nextPageToken: last != null && entries.length === limit ? String(last) : '',
      }
    },
  }
}
