// Durable state of a Raft member: hard state (term, vote, commit), the latest snapshot and the
// entries after it. The shell writes each output's `persist` in one atomic batch before sending that
// output's messages. The LevelDB implementation belongs to the daemon wiring; the in-memory one here
// serves unit tests and the simulation, where "crash" means keeping only what was saved.

import type { Entry, HardState, PersistedRaftState, Snapshot } from './types.ts'

/** What one step asks to be made durable, applied in this order. */
export interface RaftPersist {
  /** Install this snapshot (the entries it covers are dropped). */
  snapshot: Snapshot | undefined
  /** Drop every stored entry first (a snapshot from the leader replaced the log). */
  discardEntries: boolean
  /** Entries to write; stored entries at or after entries[0].index are replaced. */
  entries: Entry[]
  hardState: HardState | undefined
}

export interface RaftStorage {
  load(): Promise<PersistedRaftState>
  save(persist: RaftPersist): Promise<void>
  /** Several persists, in order, in one atomic write (group commit); optional. */
  saveAll?(persists: RaftPersist[]): Promise<void>
}

export const EMPTY_HARD_STATE: HardState = { term: 0, vote: undefined, commit: 0 }

export class MemoryRaftStorage implements RaftStorage {
  private hardState: HardState = EMPTY_HARD_STATE
  private snapshot: Snapshot | undefined
  private entries: Entry[] = []

  async load(): Promise<PersistedRaftState> {
    return this.loadSync()
  }

  async save(persist: RaftPersist): Promise<void> {
    this.saveSync(persist)
  }

  loadSync(): PersistedRaftState {
    return { hardState: { ...this.hardState }, snapshot: this.snapshot, entries: [...this.entries] }
  }

  saveSync(persist: RaftPersist): void {
    if (persist.discardEntries) this.entries = []
    if (persist.snapshot != null) {
      const upTo = persist.snapshot.meta.index
      this.snapshot = persist.snapshot
      this.entries = this.entries.filter((e) => e.index > upTo)
    }
    const first = persist.entries[0]
    if (first != null) {
      // Entries are contiguous: drop the stored suffix from first.index on (a conflict) by position.
      const at = first.index - (this.entries[0]?.index ?? first.index)
      if (at < this.entries.length) this.entries.length = Math.max(at, 0)
      const last = this.entries.at(-1)
      const expected = last != null ? last.index + 1 : (this.snapshot?.meta.index ?? 0) + 1
      if (first.index !== expected) {
        throw new Error(`raft storage: entry ${first.index} written after ${expected - 1}`)
      }
      this.entries.push(...persist.entries)
    }
    if (persist.hardState != null) this.hardState = { ...persist.hardState }
  }

  /** Term and last entry index as stored (what a crash keeps), without copying the log. */
  durable(): { term: number; lastIndex: number } {
    return {
      term: this.hardState.term,
      lastIndex: this.entries.at(-1)?.index ?? this.snapshot?.meta.index ?? 0,
    }
  }

  /** True when entry `index` of term `term` is stored, or covered by the stored snapshot. */
  holds(index: number, term: number): boolean {
    if (this.snapshot != null && this.snapshot.meta.index >= index) return true
    const first = this.entries[0]?.index
    return first != null && this.entries[index - first]?.term === term
  }

  /** Test hook: the stored entries, as a tampering test or an export would read them. */
  storedEntries(): Entry[] {
    return [...this.entries]
  }
}
