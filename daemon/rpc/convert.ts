// Conversions between the subsystems' types and the public API's. Tasks, the ledger, artifacts and
// messaging work on the wire protocol's messages (daemon/wire/gen, from proto/moltmesh/wire), which the
// daemon owns; clients see the public API's (clients/ts/gen, from proto/moltmesh/v1). The two started
// as the same messages and are copied field by field here, in the RPC edge and nowhere else, so that a
// change to either side is a compile error in this file (or a mapping to write here), never a silent
// change to the other. Enums share their numbering: the typed identity makes the compiler check that.

import type * as api from '../../clients/ts/gen/moltmesh/v1/types.ts'
import type { ThreadInvitationRecord } from '../ordered-threads/invitations.ts'
import type { ThreadRecord } from '../ordered-threads/ordered-threads.ts'
import type { EntryView } from '../ordered-threads/ordered-threads-service.ts'
import type { EngineStatus } from '../raft/engine.ts'
import type { VerifyResult } from '../raft/verify-log.ts'
import type { PaymentQuote, Receipt, Settlement } from '../wire/gen/moltmesh/wire/v1/ledger.ts'
import type { Artifact, Part } from '../wire/gen/moltmesh/wire/v1/parts.ts'
import type { TaskEventKind, TaskState } from '../wire/gen/moltmesh/wire/v1/tasks.ts'

export function apiArtifact(a: Artifact): api.Artifact {
  return {
    cid: a.cid,
    size: a.size,
    mediaType: a.mediaType,
    name: a.name,
    inlineData: a.inlineData,
    holderDid: a.holderDid,
  }
}

export function wireArtifact(a: api.Artifact): Artifact {
  return {
    cid: a.cid,
    size: a.size,
    mediaType: a.mediaType,
    name: a.name,
    inlineData: a.inlineData,
    holderDid: a.holderDid,
  }
}

export function apiPart(p: Part): api.Part {
  return {
    text: p.text,
    dataJson: p.dataJson,
    raw: p.raw,
    artifact: p.artifact === undefined ? undefined : apiArtifact(p.artifact),
    mediaType: p.mediaType,
    metadata: p.metadata,
  }
}

export function wirePart(p: api.Part): Part {
  return {
    text: p.text,
    dataJson: p.dataJson,
    raw: p.raw,
    artifact: p.artifact === undefined ? undefined : wireArtifact(p.artifact),
    mediaType: p.mediaType,
    metadata: p.metadata,
  }
}

export const apiParts = (parts: Part[]): api.Part[] => parts.map(apiPart)
export const wireParts = (parts: api.Part[]): Part[] => parts.map(wirePart)

export const apiTaskState = (s: TaskState): api.TaskState => s
export const wireTaskState = (s: api.TaskState): TaskState => s
export const apiTaskEventKind = (k: TaskEventKind): api.TaskEventKind => k
export const wireTaskEventKind = (k: api.TaskEventKind): TaskEventKind => k

export function apiPaymentQuote(q: PaymentQuote): api.PaymentQuote {
  return {
    price: q.price,
    nonce: q.nonce,
    expiresAtMs: q.expiresAtMs,
    providerDid: q.providerDid,
    signature: q.signature,
  }
}

export function wirePaymentQuote(q: api.PaymentQuote): PaymentQuote {
  return {
    price: q.price,
    nonce: q.nonce,
    expiresAtMs: q.expiresAtMs,
    providerDid: q.providerDid,
    signature: q.signature,
  }
}

export function apiReceipt(r: Receipt): api.Receipt {
  return {
    taskId: r.taskId,
    requester: r.requester,
    provider: r.provider,
    skill: r.skill,
    price: r.price,
    resultHash: r.resultHash,
    issuedAtMs: r.issuedAtMs,
    providerSignature: r.providerSignature,
    requesterSignature: r.requesterSignature,
    status: r.status,
  }
}

export function apiSettlement(s: Settlement): api.Settlement {
  return {
    id: s.id,
    proposer: s.proposer,
    counterparty: s.counterparty,
    amount: s.amount,
    reference: s.reference,
    status: s.status,
    proposerSignature: s.proposerSignature,
    counterpartySignature: s.counterpartySignature,
    createdAtMs: s.createdAtMs,
  }
}

// ---------------------------------------------------------------- ordered threads

export function apiOrderedThread(r: ThreadRecord): api.OrderedThread {
  return {
    id: r.genesis.groupId,
    title: r.title,
    genesisVoters: [...r.genesis.voters],
    createdAtMs: r.createdAtMs,
  }
}

export function apiThreadEntry(threadId: string, v: EntryView): api.ThreadEntry {
  const e = v.entry
  return {
    threadId,
    index: e.index,
    term: e.term,
    kind: e.kind,
    proposer: e.proposer,
    clientId: e.client,
    seq: e.seq,
    parts: apiParts(v.parts),
    change: v.change,
    prevHash: Buffer.from(e.prevHash).toString('hex'),
    hash: Buffer.from(e.hash).toString('hex'),
    signature: Buffer.from(e.signature).toString('base64'),
  }
}

/** An ordered thread as ListThreads lists it: members as participants (this agent first). */
export function apiOrderedThreadSummary(r: ThreadRecord, s: EngineStatus, self: string) {
  const members = [...s.voters, ...s.learners]
  return {
    threadId: r.genesis.groupId,
    participants: [self, ...members.filter((m) => m !== self)],
    messageCount: s.commit,
    lastMessageAtMs: r.createdAtMs,
    ordered: true,
    title: r.title,
  }
}

/** Voters then learners, with the leader's view of their match index (0 elsewhere). */
export function apiThreadMembers(s: EngineStatus): api.OrderedThreadMember[] {
  const match = new Map(s.progress.map((p) => [p.member, p.match]))
  return [
    ...s.voters.map((did) => ({ did, voter: true, matchIndex: match.get(did) ?? 0 })),
    ...s.learners.map((did) => ({ did, voter: false, matchIndex: match.get(did) ?? 0 })),
  ]
}

export function apiThreadStatus(r: ThreadRecord, s: EngineStatus) {
  return {
    thread: apiOrderedThread(r),
    role: s.role,
    term: s.term,
    leader: s.leader ?? '',
    commitIndex: s.commit,
    appliedIndex: s.applied,
    lastIndex: s.lastIndex,
    members: apiThreadMembers(s),
  }
}

export function apiVerifyResult(r: VerifyResult) {
  return r.ok
    ? {
        ok: true,
        entries: r.entries,
        badIndex: 0,
        reason: '',
        lastHash: Buffer.from(r.lastHash).toString('hex'),
      }
    : { ok: false, entries: 0, badIndex: r.index, reason: r.reason, lastHash: '' }
}

export function apiThreadInvitation(r: ThreadInvitationRecord) {
  return {
    threadId: r.threadId,
    title: r.title,
    inviter: r.inviter,
    genesisVoters: r.voters,
    addedLater: r.addedLater,
    receivedAtMs: r.receivedAtMs,
  }
}
