// Data types of the Raft core: log entries, membership, persisted state and wire messages.
//
// Indexes and terms are JS numbers: exact up to 2^53, which a thread will not reach (at 10k entries a
// second that is 28,000 years). Member ids are DIDs in the daemon and short names in the simulation;
// the core only compares them as strings. Every message's `from` must be set by the I/O shell from the
// authenticated connection, never taken from the bytes a peer sent.

/** What an entry is: application data, a membership change, or the empty entry a new leader appends. */
export type EntryKind = 'data' | 'config' | 'noop'

/** The part of an entry its proposer signs (index and term are assigned later by the leader). */
export interface Proposal {
  kind: EntryKind
  /** Member that proposed (and signed) the entry. */
  proposer: string
  /** Client id and sequence number: a retried proposal with the same pair is committed once. */
  client: string
  seq: number
  payload: Uint8Array
}

export interface SignedProposal extends Proposal {
  /** Ed25519 signature by `proposer` over `signingBytes(groupId, proposal)`. */
  signature: Uint8Array
}

/** A log entry: a signed proposal placed at (index, term) and chained to the entry before it. */
export interface Entry extends SignedProposal {
  index: number
  term: number
  /** Hash of the entry at index - 1 (the genesis hash for index 1). */
  prevHash: Uint8Array
  /** Hash of this entry, covering prevHash, index, term, the signed fields and the signature. */
  hash: Uint8Array
}

/** Who takes part: voters count for elections and commits; learners only receive the log. */
export interface Membership {
  voters: string[]
  learners: string[]
}

/** Payload of a config entry. The membership after it follows from the membership before it, which
 *  every member knows from the log, so entries stay valid however late a proposal reaches the leader. */
export interface ConfigChange {
  type: 'add-learner' | 'promote' | 'remove'
  member: string
}

/** What a member asks for; learners are promoted by the leader once they have caught up. */
export interface MemberChange {
  type: 'add' | 'remove'
  member: string
}

/** The group's birth certificate: its id and first voters. Every member starts from it. */
export interface Genesis {
  groupId: string
  voters: string[]
}

export interface HardState {
  term: number
  vote: string | undefined
  commit: number
}

/** A (client, seq) pair already in the log, kept so a retried proposal is not appended twice. */
export interface DedupeRecord {
  client: string
  seq: number
  index: number
}

export interface SnapshotMeta {
  /** Last entry the snapshot covers, its term and its chain hash. */
  index: number
  term: number
  hash: Uint8Array
  /** Membership in effect after `index`. */
  membership: Membership
  /** Latest add or remove entry per member: lets a leader prove membership to lagging followers. */
  memberChanges: Entry[]
  dedupe: DedupeRecord[]
}

/** Compacted prefix of the log: the core's metadata plus opaque application state. */
export interface Snapshot {
  meta: SnapshotMeta
  data: Uint8Array
}

/** What a member reads back from its storage on restart. */
export interface PersistedRaftState {
  hardState: HardState
  snapshot: Snapshot | undefined
  /** Entries after the snapshot, in index order. */
  entries: Entry[]
}

// --- Messages between members ------------------------------------------------------------------

interface MessageBase {
  from: string
  to: string
  term: number
}

export interface AppendMessage extends MessageBase {
  type: 'append'
  prevIndex: number
  prevTerm: number
  entries: Entry[]
  commit: number
  /** Heartbeat round: echoed in the response so the leader can confirm read-index rounds. */
  round: number
  /** Config entries proving the sender is a member, for followers whose log predates it. */
  proof?: Entry[]
}

export interface AppendResponseMessage extends MessageBase {
  type: 'append-response'
  success: boolean
  /** On success the highest index known to match the leader; on rejection a hint where to retry. */
  index: number
  /** On rejection, the follower's term at `index`, so the leader can skip a whole term at once. */
  hintTerm: number
  round: number
}

export interface VoteMessage extends MessageBase {
  type: 'vote'
  /** Pre-vote: asks whether a vote would be granted for `term`, without anyone changing term. */
  pre: boolean
  lastIndex: number
  lastTerm: number
}

export interface VoteResponseMessage extends MessageBase {
  type: 'vote-response'
  pre: boolean
  granted: boolean
}

export interface SnapshotMessage extends MessageBase {
  type: 'snapshot'
  snapshot: Snapshot
  round: number
  proof?: Entry[]
}

/** A follower forwards its clients' proposals (already signed) to the leader. */
export interface ForwardMessage extends MessageBase {
  type: 'forward'
  requestId: string
  proposal: SignedProposal
}

export interface ForwardResponseMessage extends MessageBase {
  type: 'forward-response'
  requestId: string
  outcome: ProposalOutcome
}

export interface ReadIndexMessage extends MessageBase {
  type: 'read-index'
  requestId: string
}

export interface ReadIndexResponseMessage extends MessageBase {
  type: 'read-index-response'
  requestId: string
  /** Commit index to wait for; -1 when the receiver could not serve the read. */
  index: number
}

export type RaftMessage =
  | AppendMessage
  | AppendResponseMessage
  | VoteMessage
  | VoteResponseMessage
  | SnapshotMessage
  | ForwardMessage
  | ForwardResponseMessage
  | ReadIndexMessage
  | ReadIndexResponseMessage

// --- Outcomes reported to the shell ------------------------------------------------------------

/** Why a proposal or read was refused; the shell maps these to `moltmesh-reason` codes. */
export type RejectReason =
  | 'NO_LEADER'
  | 'NOT_A_MEMBER'
  | 'BAD_SIGNATURE'
  | 'ENTRY_TOO_LARGE'
  | 'INVALID_PROPOSAL'
  | 'CONFIG_CHANGE_PENDING'
  | 'STALE_SEQUENCE'
  | 'LEADERSHIP_LOST'

export type ProposalOutcome =
  | { ok: true; index: number; term: number; duplicate: boolean }
  | { ok: false; reason: RejectReason; detail: string }
