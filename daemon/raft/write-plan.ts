// What a member writes after stepping a batch of inputs, and when.
//
// Term, vote, entries and snapshots promise something to other members (a vote granted, an entry
// acknowledged), so they are written (with fsync) before any message that depends on them leaves.
// The commit index promises nothing: Raft never needs it durable, because a member that restarts with
// an older one learns the current one from the leader. A batch that changes nothing but the commit
// index is therefore not written at all; the newest such hard state is written with the next batch
// that writes anyway, or on its own once it has waited `lazyMs` (so a restart after a quiet spell
// replays nearly everything it had applied), or when the member stops. This takes a storage write
// off the path of every commit at the leader and at each follower.

import type { RaftPersist } from './storage.ts'
import type { HardState } from './types.ts'

const hardStateOnly = (hardState: HardState): RaftPersist => ({
  snapshot: undefined,
  discardEntries: false,
  entries: [],
  hardState,
})

export class WritePlan {
  /** Term and vote as last handed out for writing. */
  private term: number
  private vote: string | undefined
  /** Newest hard state not written yet (it differs from the stored one in its commit index only). */
  private pending: HardState | undefined
  private pendingSince = 0
  private readonly lazyMs: number

  constructor(stored: HardState, lazyMs: number) {
    this.term = stored.term
    this.vote = stored.vote
    this.lazyMs = lazyMs
  }

  /** Term as last written: a leader's messages of a newer term wait for its write. */
  get durableTerm(): number {
    return this.term
  }

  /**
   * The persists to write now for one batch's `persists` (in step order), or undefined when nothing
   * needs writing yet. The caller writes what it gets before sending the batch's messages.
   */
  take(persists: RaftPersist[], now: number): RaftPersist[] | undefined {
    const promising = persists.some(
      (p) =>
        p.entries.length > 0 ||
        p.snapshot != null ||
        p.discardEntries ||
        (p.hardState != null && (p.hardState.term !== this.term || p.hardState.vote !== this.vote)),
    )
    const newest = persists.findLast((p) => p.hardState != null)?.hardState
    if (!promising) {
      if (newest != null) {
        if (this.pending == null) this.pendingSince = now
        this.pending = newest
      }
      if (this.pending == null || now - this.pendingSince < this.lazyMs) return undefined
      return [hardStateOnly(this.flushed())]
    }
    // An older commit-only hard state goes first, so the batch's own (newer) one wins.
    const out = this.pending == null ? persists : [hardStateOnly(this.flushed()), ...persists]
    if (newest != null) {
      this.term = newest.term
      this.vote = newest.vote
    }
    return out
  }

  /** What is still unwritten (on stop), if anything. */
  takePending(): RaftPersist | undefined {
    return this.pending == null ? undefined : hardStateOnly(this.flushed())
  }

  private flushed(): HardState {
    const hs = this.pending as HardState
    this.pending = undefined
    return hs
  }
}
