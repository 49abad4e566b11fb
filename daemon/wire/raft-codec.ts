// Frames of /moltmesh/raft/1.0.0 (proto/moltmesh/wire/v1/raft.proto) to and from the Raft core's
// message types. Decoding never trusts the sender: `from` is not in the frame (the transport sets it
// from the authenticated connection), a frame must set exactly one message, and entries must have a
// known kind and a proposal. Numbers are checked by the core itself (message-shape.ts).

import type {
  Entry,
  EntryKind,
  ProposalOutcome,
  RaftMessage,
  RejectReason,
  SignedProposal,
  Snapshot,
} from '../raft/types.ts'
import {
  RaftEntry as PbEntry,
  type RaftProposal as PbProposal,
  RaftSnapshot as PbSnapshot,
  RaftEntryKind,
  RaftFrame,
  type RaftProposalOutcome,
} from './gen/moltmesh/wire/v1/raft.ts'

export const RAFT_PROTOCOL = '/moltmesh/raft/1.0.0'

export { RaftFrame }

/** A frame that does not decode into a usable message. */
export class RaftFrameError extends Error {
  override name = 'RaftFrameError'
}

const KIND_TO_PB: Record<EntryKind, RaftEntryKind> = {
  data: RaftEntryKind.RAFT_ENTRY_KIND_DATA,
  config: RaftEntryKind.RAFT_ENTRY_KIND_CONFIG,
  noop: RaftEntryKind.RAFT_ENTRY_KIND_NOOP,
}

function kindFromPb(kind: RaftEntryKind): EntryKind {
  switch (kind) {
    case RaftEntryKind.RAFT_ENTRY_KIND_DATA:
      return 'data'
    case RaftEntryKind.RAFT_ENTRY_KIND_CONFIG:
      return 'config'
    case RaftEntryKind.RAFT_ENTRY_KIND_NOOP:
      return 'noop'
    default:
      throw new RaftFrameError(`unknown entry kind ${kind}`)
  }
}

const REJECT_REASONS = new Set<RejectReason>([
  'NO_LEADER',
  'NOT_A_MEMBER',
  'BAD_SIGNATURE',
  'ENTRY_TOO_LARGE',
  'INVALID_PROPOSAL',
  'CONFIG_CHANGE_PENDING',
  'STALE_SEQUENCE',
  'LEADERSHIP_LOST',
])

// Generated decoders return Buffers; the core keeps them (a Buffer is a Uint8Array). On encode the
// generated code accepts any Uint8Array at run time, the Buffer type is only its declaration.
const buf = (bytes: Uint8Array): Buffer => bytes as Buffer

function proposalToPb(p: SignedProposal): PbProposal {
  return {
    kind: KIND_TO_PB[p.kind],
    proposer: p.proposer,
    client: p.client,
    seq: p.seq,
    payload: buf(p.payload),
    signature: buf(p.signature),
  }
}

function proposalFromPb(p: PbProposal | undefined): SignedProposal {
  if (p == null) throw new RaftFrameError('missing proposal')
  return {
    kind: kindFromPb(p.kind),
    proposer: p.proposer,
    client: p.client,
    seq: p.seq,
    payload: p.payload,
    signature: p.signature,
  }
}

export function entryToPb(e: Entry): PbEntry {
  return {
    proposal: proposalToPb(e),
    index: e.index,
    term: e.term,
    prevHash: buf(e.prevHash),
    hash: buf(e.hash),
  }
}

export function entryFromPb(e: PbEntry): Entry {
  return { ...proposalFromPb(e.proposal), index: e.index, term: e.term, prevHash: e.prevHash, hash: e.hash }
}

/** An entry's bytes as storage keeps them (the same encoding as on the wire). */
export const encodeEntry = (e: Entry): Uint8Array => PbEntry.encode(entryToPb(e)).finish()
export const decodeEntry = (bytes: Uint8Array): Entry => entryFromPb(PbEntry.decode(bytes))

function snapshotToPb(s: Snapshot): PbSnapshot {
  const m = s.meta
  return {
    meta: {
      index: m.index,
      term: m.term,
      hash: buf(m.hash),
      membership: { voters: [...m.membership.voters], learners: [...m.membership.learners] },
      memberChanges: m.memberChanges.map(entryToPb),
      dedupe: m.dedupe.map((r) => ({ ...r })),
    },
    data: buf(s.data),
  }
}

function snapshotFromPb(s: PbSnapshot | undefined): Snapshot {
  const m = s?.meta
  if (s == null || m == null) throw new RaftFrameError('missing snapshot meta')
  return {
    meta: {
      index: m.index,
      term: m.term,
      hash: m.hash,
      membership: { voters: m.membership?.voters ?? [], learners: m.membership?.learners ?? [] },
      memberChanges: m.memberChanges.map(entryFromPb),
      dedupe: m.dedupe.map((r) => ({ client: r.client, seq: r.seq, index: r.index })),
    },
    data: s.data,
  }
}

export const encodeSnapshot = (s: Snapshot): Uint8Array => PbSnapshot.encode(snapshotToPb(s)).finish()
export const decodeSnapshot = (bytes: Uint8Array): Snapshot => snapshotFromPb(PbSnapshot.decode(bytes))

function outcomeToPb(o: ProposalOutcome): RaftProposalOutcome {
  return o.ok
    ? { ok: true, index: o.index, term: o.term, duplicate: o.duplicate, reason: '', detail: '' }
    : { ok: false, index: 0, term: 0, duplicate: false, reason: o.reason, detail: o.detail }
}

function outcomeFromPb(o: RaftProposalOutcome | undefined): ProposalOutcome {
  if (o == null) throw new RaftFrameError('missing outcome')
  if (o.ok) return { ok: true, index: o.index, term: o.term, duplicate: o.duplicate }
  if (!REJECT_REASONS.has(o.reason as RejectReason)) throw new RaftFrameError(`unknown reason ${o.reason}`)
  return { ok: false, reason: o.reason as RejectReason, detail: o.detail.slice(0, 500) }
}

/** Encodes a core message for `groupId`; its `from` is left out (the receiver knows who sent it). */
export function encodeRaftFrame(groupId: string, m: RaftMessage): Uint8Array {
  const frame: RaftFrame = { groupId, to: m.to, term: m.term }
  switch (m.type) {
    case 'append':
      frame.append = {
        prevIndex: m.prevIndex,
        prevTerm: m.prevTerm,
        entries: m.entries.map(entryToPb),
        commit: m.commit,
        round: m.round,
        proof: (m.proof ?? []).map(entryToPb),
      }
      break
    case 'append-response':
      frame.appendResponse = { success: m.success, index: m.index, hintTerm: m.hintTerm, round: m.round }
      break
    case 'vote':
      frame.vote = { pre: m.pre, lastIndex: m.lastIndex, lastTerm: m.lastTerm }
      break
    case 'vote-response':
      frame.voteResponse = { pre: m.pre, granted: m.granted }
      break
    case 'snapshot':
      frame.snapshot = {
        snapshot: snapshotToPb(m.snapshot),
        round: m.round,
        proof: (m.proof ?? []).map(entryToPb),
      }
      break
    case 'forward':
      frame.forward = { requestId: m.requestId, proposal: proposalToPb(m.proposal) }
      break
    case 'forward-response':
      frame.forwardResponse = { requestId: m.requestId, outcome: outcomeToPb(m.outcome) }
      break
    case 'read-index':
      frame.readIndex = { requestId: m.requestId }
      break
    case 'read-index-response':
      frame.readIndexResponse = { requestId: m.requestId, index: m.index }
      break
  }
  return RaftFrame.encode(frame).finish()
}

export interface DecodedRaftFrame {
  groupId: string
  message: RaftMessage
}

/**
 * Decodes a frame received from the member `from` (the authenticated remote peer's DID). Throws
 * RaftFrameError (or the protobuf reader's error) for bytes that are not exactly one usable message.
 */
export function decodeRaftFrame(bytes: Uint8Array, from: string): DecodedRaftFrame {
  const f = RaftFrame.decode(bytes)
  const set = [
    f.append,
    f.appendResponse,
    f.vote,
    f.voteResponse,
    f.snapshot,
    f.forward,
    f.forwardResponse,
    f.readIndex,
    f.readIndexResponse,
  ].filter((x) => x != null)
  if (set.length !== 1) throw new RaftFrameError(`frame sets ${set.length} messages`)
  if (f.groupId === '' || f.to === '') throw new RaftFrameError('missing group or recipient')
  const base = { from, to: f.to, term: f.term }
  const proof = (list: PbEntry[]): Entry[] | undefined =>
    list.length > 0 ? list.map(entryFromPb) : undefined
  let message: RaftMessage
  if (f.append != null) {
    const a = f.append
    message = {
      ...base,
      type: 'append',
      prevIndex: a.prevIndex,
      prevTerm: a.prevTerm,
      entries: a.entries.map(entryFromPb),
      commit: a.commit,
      round: a.round,
      proof: proof(a.proof),
    }
  } else if (f.appendResponse != null) {
    const r = f.appendResponse
    message = {
      ...base,
      type: 'append-response',
      success: r.success,
      index: r.index,
      hintTerm: r.hintTerm,
      round: r.round,
    }
  } else if (f.vote != null) {
    const v = f.vote
    message = { ...base, type: 'vote', pre: v.pre, lastIndex: v.lastIndex, lastTerm: v.lastTerm }
  } else if (f.voteResponse != null) {
    message = { ...base, type: 'vote-response', pre: f.voteResponse.pre, granted: f.voteResponse.granted }
  } else if (f.snapshot != null) {
    const s = f.snapshot
    message = {
      ...base,
      type: 'snapshot',
      snapshot: snapshotFromPb(s.snapshot),
      round: s.round,
      proof: proof(s.proof),
    }
  } else if (f.forward != null) {
    message = {
      ...base,
      type: 'forward',
      requestId: f.forward.requestId,
      proposal: proposalFromPb(f.forward.proposal),
    }
  } else if (f.forwardResponse != null) {
    message = {
      ...base,
      type: 'forward-response',
      requestId: f.forwardResponse.requestId,
      outcome: outcomeFromPb(f.forwardResponse.outcome),
    }
  } else if (f.readIndex != null) {
    message = { ...base, type: 'read-index', requestId: f.readIndex.requestId }
  } else {
    const r = f.readIndexResponse as NonNullable<RaftFrame['readIndexResponse']>
    message = { ...base, type: 'read-index-response', requestId: r.requestId, index: r.index }
  }
  return { groupId: f.groupId, message }
}
