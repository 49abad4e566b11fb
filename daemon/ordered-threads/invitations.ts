// Ordered-thread invitations: sent and received over durable messaging, on messaging's
// 'orderedThread' channel (MessageBody.ordered_thread). An invitation carries the thread's genesis and
// title; the envelope's signature says who sent it. Acceptance is explicit, as for networks: a received
// invitation is kept until the agent accepts it (AcceptThreadInvitation), which joins the Raft group.
//
// What an invitee checks: the thread id's form, the voters are DIDs, the title's length, and, for an
// invitation to the genesis, that both the sender and this agent are among the genesis voters. An
// invitation for a member added later cannot be checked against the genesis (the invitee is not in
// it): the invitee only becomes a member when the leader's log reaches the signed add entry, so a
// forged one makes it wait in a group that never talks to it, nothing more.

import { MoltmeshError } from '../errors/moltmesh-error.ts'
import { isDid } from '../identity/did.ts'
import type { Logger } from '../log/logger.ts'
import type { FrameOutcome } from '../messaging/channels.ts'
import { json, single, text } from '../store/codecs.ts'
import { array, bool, num, object, str } from '../store/shape.ts'
import type { Store } from '../store/store.ts'
import type { ThreadInvite } from '../wire/gen/moltmesh/wire/v1/ordered_threads.ts'

export interface ThreadInvitationRecord {
  threadId: string
  title: string
  inviter: string
  voters: string[]
  addedLater: boolean
  receivedAtMs: number
}

const invitationShape = object<ThreadInvitationRecord>({
  threadId: str,
  title: str,
  inviter: str,
  voters: array(str),
  addedLater: bool,
  receivedAtMs: num,
})

export const THREAD_ID = /^othr_[0-9a-f]{32}$/
export const MAX_TITLE_LENGTH = 200
/** Invitations kept at once; past it the oldest are dropped (a peer must not fill the disk). */
const MAX_PENDING_INVITATIONS = 1000

export function openInvitationStore(store: Pick<Store, 'repository' | 'commit'>) {
  const repo = store.repository('ordered-threads.invitations', single(text), json(invitationShape))
  return {
    get: (threadId: string) => repo.get(threadId),
    async list(): Promise<ThreadInvitationRecord[]> {
      const out: ThreadInvitationRecord[] = []
      for await (const r of repo.values()) out.push(r)
      return out.sort((a, b) => b.receivedAtMs - a.receivedAtMs)
    },
    async put(r: ThreadInvitationRecord): Promise<void> {
      const all = await this.list()
      const drop = all.slice(MAX_PENDING_INVITATIONS - 1).map((old) => repo.delOp(old.threadId))
      await store.commit([...drop, repo.putOp(r.threadId, r)], { sync: true })
    },
    remove: (threadId: string) => repo.del(threadId),
  }
}

export type InvitationStore = ReturnType<typeof openInvitationStore>

/** Why an invitation is not acceptable, or undefined. */
export function inviteProblem(invite: ThreadInvite, from: string, selfDid: string): string | undefined {
  if (!THREAD_ID.test(invite.threadId)) return 'not an ordered thread id'
  if (invite.voters.length === 0 || invite.voters.length > 64) return 'voters must be 1-64 DIDs'
  if (!invite.voters.every(isDid)) return 'a voter is not a DID'
  if (invite.title.length > MAX_TITLE_LENGTH) return `title over ${MAX_TITLE_LENGTH} characters`
  if (!invite.addedLater) {
    if (!invite.voters.includes(from)) return 'the sender is not among the genesis voters'
    if (!invite.voters.includes(selfDid)) return 'this agent is not among the genesis voters'
  }
  return undefined
}

export interface InvitationSinkComponents {
  invitations: InvitationStore
  /** True when this daemon already runs the thread (a repeated invitation is a duplicate). */
  isMember: (threadId: string) => boolean
  selfDid: string
  logger: Logger
  onInvitation?: (r: ThreadInvitationRecord) => void
}

/** The handler of messaging's 'orderedThread' channel. */
export function createInvitationSink(c: InvitationSinkComponents) {
  return async (from: string, frame: { invite?: ThreadInvite | undefined }): Promise<FrameOutcome> => {
    const invite = frame.invite
    if (invite == null)
      return { status: 'rejected', reason: 'MALFORMED', detail: 'empty ordered-thread frame' }
    const problem = inviteProblem(invite, from, c.selfDid)
    if (problem != null) return { status: 'rejected', reason: 'INVITATION_INVALID', detail: problem }
    if (c.isMember(invite.threadId)) return { status: 'duplicate' }
    const record: ThreadInvitationRecord = {
      threadId: invite.threadId,
      title: invite.title,
      inviter: from,
      voters: [...invite.voters].sort(),
      addedLater: invite.addedLater,
      receivedAtMs: Date.now(),
    }
    await c.invitations.put(record)
    c.logger.info({ thread: record.threadId, inviter: from }, 'received an ordered-thread invitation')
    c.onInvitation?.(record)
    return { status: 'stored' }
  }
}

export const invitationNotFound = (threadId: string): MoltmeshError =>
  new MoltmeshError(
    'not_found',
    'THREAD_INVITATION_NOT_FOUND',
    `no invitation to ordered thread ${threadId} was received here (ListThreadInvitations shows them)`,
  )
