// Ordered threads as the API sees them: members given as DIDs or names, content as parts, invitations
// sent and accepted over durable messaging, defaults and limits on every wait. The consensus itself is
// the layer's (ordered-threads.ts); this file adds what a client needs around it.

import { randomUUID } from 'node:crypto'
import { failedPrecondition, invalidArgument, MoltmeshError } from '../errors/moltmesh-error.ts'
import type { Logger } from '../log/logger.ts'
import { validateParts } from '../messaging/validate-parts.ts'
import type { EntryVerifier } from '../raft/entry-auth.ts'
import { decodeConfigChange } from '../raft/entry-codec.ts'
import { parseExport } from '../raft/log-export.ts'
import type { Entry } from '../raft/types.ts'
import { verifyLog } from '../raft/verify-log.ts'
import { ThreadEntryPayload, type ThreadInvite } from '../wire/gen/moltmesh/wire/v1/ordered_threads.ts'
import type { Part } from '../wire/gen/moltmesh/wire/v1/parts.ts'
import { type InvitationStore, invitationNotFound, type ThreadInvitationRecord } from './invitations.ts'
import type { OrderedThreads, ThreadRecord } from './ordered-threads.ts'

/** Waits for a commit or a read-index round, by default and at most. */
export const DEFAULT_WAIT_MS = 10_000
const MAX_WAIT_MS = 300_000
const DEFAULT_READ_LIMIT = 100
const MAX_READ_LIMIT = 1000
const CLIENT_ID = /^[A-Za-z0-9._-]{1,64}$/
/** Exports given to VerifyThread: at most this many characters (a big thread is verified in place). */
const MAX_EXPORT_CHARS = 64 * 1024 * 1024

export interface OrderedThreadsServiceComponents {
  threads: OrderedThreads
  invitations: InvitationStore
  selfDid: string
  /** A DID or a claimed name -> DID (the daemon's name resolution). */
  resolveTarget: (value: string) => Promise<string>
  /** Queues an invitation in the durable outbox; returns the message id. */
  sendInvite: (to: string, invite: ThreadInvite) => Promise<string>
  verifier: EntryVerifier
  logger: Logger
}

/** A committed entry as the API shows it: data entries decoded into parts, changes as text. */
export interface EntryView {
  entry: Entry
  parts: Part[]
  change: string
}

export function entryView(entry: Entry): EntryView {
  if (entry.kind === 'data') {
    let parts: Part[] = []
    try {
      parts = ThreadEntryPayload.decode(entry.payload).parts
    } catch {
      // Signed by a member, so it committed; a payload that is not parts is shown without them.
    }
    return { entry, parts, change: '' }
  }
  if (entry.kind === 'config') {
    const c = decodeConfigChange(entry.payload)
    return {
      entry,
      parts: [],
      change: c == null ? '' : `${c.type === 'add-learner' ? 'add' : c.type} ${c.member}`,
    }
  }
  return { entry, parts: [], change: '' }
}

export function encodeEntryParts(parts: Part[]): Uint8Array {
  return ThreadEntryPayload.encode({ parts }).finish()
}

function waitMs(timeoutMs: number): number {
  if (timeoutMs === 0) return DEFAULT_WAIT_MS
  return Math.min(timeoutMs, MAX_WAIT_MS)
}

function requireId(threadId: string): void {
  if (threadId === '') throw invalidArgument('INVALID_THREAD_ID', 'thread_id is required')
}

export function createOrderedThreadsService(c: OrderedThreadsServiceComponents) {
  const self = c.selfDid

  async function resolveMembers(values: string[]): Promise<string[]> {
    const out = new Set<string>()
    for (const v of values) {
      if (v.trim() === '') continue
      out.add(await c.resolveTarget(v))
    }
    return [...out]
  }

  function inviteOf(record: ThreadRecord, addedLater: boolean): ThreadInvite {
    return {
      threadId: record.genesis.groupId,
      voters: [...record.genesis.voters],
      title: record.title,
      addedLater,
    }
  }

  function record(threadId: string): ThreadRecord {
    requireId(threadId)
    const r = c.threads.list().find((t) => t.genesis.groupId === threadId)
    if (r == null) {
      throw new MoltmeshError('not_found', 'THREAD_NOT_FOUND', `no ordered thread ${threadId} on this daemon`)
    }
    return r
  }

  /** A client/seq for a membership change: never retried by a client, so fresh each time. */
  const changeClient = () => ({ client: `change-${randomUUID()}`, seq: 1 })

  return {
    selfDid: self,

    async create(req: { members: string[]; title: string }) {
      const others = (await resolveMembers(req.members)).filter((d) => d !== self)
      const record = await c.threads.create([self, ...others], req.title)
      const invitations: { member: string; messageId: string }[] = []
      for (const member of others) {
        invitations.push({ member, messageId: await c.sendInvite(member, inviteOf(record, false)) })
      }
      c.logger.info({ thread: record.genesis.groupId, members: others.length + 1 }, 'created ordered thread')
      return { record, invitations }
    },

    invitations: (): Promise<ThreadInvitationRecord[]> => c.invitations.list(),

    async accept(threadId: string): Promise<ThreadRecord> {
      requireId(threadId)
      const inv = await c.invitations.get(threadId)
      if (inv == null) {
        const joined = c.threads.list().find((t) => t.genesis.groupId === threadId)
        if (joined != null) return joined
        throw invitationNotFound(threadId)
      }
      const joined = await c.threads.join({ groupId: inv.threadId, voters: inv.voters }, inv.title, {
        addedLater: inv.addedLater,
      })
      await c.invitations.remove(threadId)
      c.logger.info({ thread: threadId, inviter: inv.inviter }, 'joined ordered thread')
      return joined
    },

    list: (): ThreadRecord[] => c.threads.list(),
    get: (threadId: string): ThreadRecord => record(threadId),

    async append(req: { threadId: string; parts: Part[]; clientId: string; seq: number; timeoutMs: number }) {
      record(req.threadId)
      validateParts(req.parts)
      let client = req.clientId
      let seq = req.seq
      if (client === '') {
        if (seq !== 0) throw invalidArgument('INVALID_ARGUMENT', 'seq needs a client_id')
        client = `auto-${randomUUID()}`
        seq = 1
      } else {
        if (!CLIENT_ID.test(client))
          throw invalidArgument('INVALID_ARGUMENT', 'client_id must be 1-64 characters of [A-Za-z0-9._-]')
        if (seq < 1) throw invalidArgument('INVALID_ARGUMENT', 'seq must be >= 1 with a client_id')
      }
      return c.threads.append(req.threadId, {
        requester: self,
        client,
        seq,
        payload: encodeEntryParts(req.parts),
        timeoutMs: waitMs(req.timeoutMs),
      })
    },

    async read(req: { threadId: string; afterIndex: number; limit: number; timeoutMs: number }) {
      record(req.threadId)
      const limit = req.limit === 0 ? DEFAULT_READ_LIMIT : Math.min(req.limit, MAX_READ_LIMIT)
      const entries = await c.threads.read(req.threadId, req.afterIndex, limit, waitMs(req.timeoutMs))
      return { entries: entries.map(entryView), readIndex: c.threads.status(req.threadId).commit }
    },

    async *subscribe(threadId: string, afterIndex: number, signal: AbortSignal): AsyncGenerator<EntryView> {
      record(threadId)
      for await (const e of c.threads.subscribe(threadId, afterIndex, signal)) yield entryView(e)
    },

    status(threadId: string) {
      return { record: record(threadId), status: c.threads.status(threadId) }
    },

    async addMember(req: { threadId: string; member: string; timeoutMs: number }) {
      const r = record(req.threadId)
      const member = await c.resolveTarget(req.member)
      const st = c.threads.status(req.threadId)
      if (st.voters.includes(member) || st.learners.includes(member))
        throw failedPrecondition('ALREADY_MEMBER', `${member} is already a member of ${req.threadId}`)
      const { index } = await c.threads.changeMembers(req.threadId, {
        requester: self,
        ...changeClient(),
        change: { type: 'add', member },
        timeoutMs: waitMs(req.timeoutMs),
      })
      const messageId = await c.sendInvite(member, inviteOf(r, true))
      return { index, invitation: { member, messageId } }
    },

    async removeMember(req: { threadId: string; member: string; timeoutMs: number }) {
      record(req.threadId)
      const member = await c.resolveTarget(req.member)
      const st = c.threads.status(req.threadId)
      if (!st.voters.includes(member) && !st.learners.includes(member))
        throw failedPrecondition('NOT_A_MEMBER', `${member} is not a member of ${req.threadId}`)
      return c.threads.changeMembers(req.threadId, {
        requester: self,
        ...changeClient(),
        change: { type: 'remove', member },
        timeoutMs: waitMs(req.timeoutMs),
      })
    },

    async export(threadId: string): Promise<{ jsonl: string; entries: number }> {
      record(threadId)
      const jsonl = await c.threads.export(threadId)
      return { jsonl, entries: jsonl.split('\n').filter((l) => l !== '').length - 1 }
    },

    /** Verifies this member's copy (thread id) or an export given as text (no membership needed). */
    async verify(req: { threadId: string; jsonl: string }) {
      if ((req.threadId === '') === (req.jsonl === ''))
        throw invalidArgument('INVALID_ARGUMENT', 'give exactly one of thread_id and jsonl')
      if (req.threadId !== '') {
        record(req.threadId)
        return c.threads.verify(req.threadId)
      }
      if (req.jsonl.length > MAX_EXPORT_CHARS)
        throw invalidArgument(
          'PAYLOAD_TOO_LARGE',
          `an export to verify is at most ${MAX_EXPORT_CHARS} characters`,
        )
      let parsed: ReturnType<typeof parseExport>
      try {
        parsed = parseExport(req.jsonl)
      } catch (err) {
        throw invalidArgument('INVALID_EXPORT', `not a thread export: ${(err as Error).message}`)
      }
      return verifyLog(parsed.genesis, parsed.entries, c.verifier)
    },
  }
}

export type OrderedThreadsService = ReturnType<typeof createOrderedThreadsService>
