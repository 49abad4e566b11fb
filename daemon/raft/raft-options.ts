// Options of a Raft member and what it restarts from.

import type { EntrySigner, EntryVerifier } from './entry-auth.ts'
import type { Genesis, PersistedRaftState } from './types.ts'

export interface RaftTiming {
  /** Ticks without a leader before a member campaigns (randomised in [n, 2n)). */
  electionTicks: number
  /** Ticks between the leader's heartbeats; much smaller than electionTicks. */
  heartbeatTicks: number
}

export interface RaftOptions extends Partial<RaftTiming> {
  genesis: Genesis
  signer: EntrySigner
  verifier: EntryVerifier
  /** Uniform in [0, 1): only used to randomise election timeouts. */
  random: () => number
  /** Most entries in one append message. */
  maxBatch?: number
  /** Payload bytes per append message; one entry is always sent even if larger. */
  maxAppendBytes?: number
  /** Appends with entries a follower may have unacknowledged before new entries wait (and batch). */
  maxInflight?: number
  /** Largest payload a proposal may carry, in bytes. */
  maxEntryBytes?: number
  dedupeWindow?: number
}

export interface RaftRestart {
  state: PersistedRaftState
  /** Index the application has already applied (its own durable state); when absent the node hands
   *  the snapshot back in its first output and replays every committed entry after it. */
  applied?: number
}

export const defaultRaftOptions = {
  electionTicks: 10,
  heartbeatTicks: 2,
  maxBatch: 64,
  maxAppendBytes: 1024 * 1024,
  maxInflight: 2,
  maxEntryBytes: 64 * 1024,
}

/** Client id of the promotions a leader proposes itself. */
export const PROMOTE_CLIENT = 'raft/promote'
