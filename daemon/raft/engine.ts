// The contract between a consensus engine and the I/O shell that drives it.
//
// An engine is a deterministic state machine with no I/O, no clock and no randomness of its own: the
// shell feeds it inputs (a tick of logical time, a message from an authenticated member, a client
// request) and gets back an output to act on, in this order:
//   1. persist `output.persist` durably (the engine's state and entries);
//   2. only then send `output.messages` (a vote or an acknowledgement promises something about
//      state that must survive a crash) and apply `output.restore` then `output.committed`;
//   3. answer `output.reads` once the application has applied up to each read's index, and report
//      `output.proposals` to the clients that asked.
// Raft is the first engine. A BFT engine (Tendermint-style, n >= 3f+1) fits the same shape: its own
// message and persist types, the same committed entries (signed, hash-chained), reads and proposals.

import type { Entry, MemberChange, ProposalOutcome, RejectReason, Snapshot } from './types.ts'

export type EngineInput<M> =
  | { type: 'tick' }
  | { type: 'message'; message: M }
  | { type: 'propose'; requestId: string; client: string; seq: number; payload: Uint8Array }
  | { type: 'change-members'; requestId: string; client: string; seq: number; change: MemberChange }
  | { type: 'read'; requestId: string }
  /** The application has applied up to `index` and captured its state as `data`. */
  | { type: 'compact'; index: number; data: Uint8Array }

export interface ReadResult {
  requestId: string
  /** Serve the read once the application has applied this index; -1 when it failed. */
  index: number
  reason?: RejectReason
}

export interface EngineEvent {
  type: 'entry-rejected' | 'message-dropped' | 'role-changed'
  detail: string
}

export interface EngineOutput<M, P> {
  persist: P | undefined
  messages: M[]
  /** Replace the application's state with this snapshot before applying `committed`. */
  restore: Snapshot | undefined
  /** Newly committed entries in index order. */
  committed: Entry[]
  reads: ReadResult[]
  /** Where the leader placed each proposal, or why it refused it. An ok outcome is NOT a commit: the
   *  shell acknowledges the append once it has committed that index with that term, and reports it
   *  lost (retry with the same client and seq) if another entry commits there. */
  proposals: { requestId: string; outcome: ProposalOutcome }[]
  /** Things worth a log line: rejected entries, dropped messages from non-members, role changes. */
  events: EngineEvent[]
}

export interface EngineStatus {
  id: string
  role: string
  term: number
  leader: string | undefined
  commit: number
  applied: number
  lastIndex: number
  voters: string[]
  learners: string[]
  /** Replication progress as the leader sees it (empty on other members). */
  progress: { member: string; match: number }[]
}

export interface ConsensusEngine<M, P> {
  readonly id: string
  step(input: EngineInput<M>): EngineOutput<M, P>
  status(): EngineStatus
}
