// The in-memory view of one member's log: a compacted prefix (snapshot metadata) and the entries after
// it. Terms and hashes of the snapshot's last entry stay known, so consistency checks and the hash
// chain continue across compaction.

import type { Entry, SnapshotMeta } from './types.ts'

export class RaftLog {
  private meta: SnapshotMeta
  private entries: Entry[]

  constructor(meta: SnapshotMeta, entries: Entry[]) {
    this.meta = meta
    this.entries = entries.filter((e) => e.index > meta.index)
  }

  get snapshot(): SnapshotMeta {
    return this.meta
  }

  /** First index still held as an entry. */
  firstIndex(): number {
    return this.meta.index + 1
  }

  lastIndex(): number {
    return this.meta.index + this.entries.length
  }

  lastTerm(): number {
    return this.term(this.lastIndex()) ?? 0
  }

  /** Term at `index`, or undefined when it was compacted away or is beyond the end. */
  term(index: number): number | undefined {
    if (index === this.meta.index) return this.meta.term
    return this.entry(index)?.term
  }

  hash(index: number): Uint8Array | undefined {
    if (index === this.meta.index) return this.meta.hash
    return this.entry(index)?.hash
  }

  entry(index: number): Entry | undefined {
    if (index <= this.meta.index) return undefined
    return this.entries[index - this.meta.index - 1]
  }

  /** Entries with index in [from, to], clipped to what is held. */
  slice(from: number, to: number): Entry[] {
    const lo = Math.max(from, this.firstIndex()) - this.meta.index - 1
    const hi = Math.min(to, this.lastIndex()) - this.meta.index
    return lo < hi ? this.entries.slice(lo, hi) : []
  }

  append(entry: Entry): void {
    if (entry.index !== this.lastIndex() + 1) {
      throw new Error(`raft log: appending index ${entry.index} after ${this.lastIndex()}`)
    }
    this.entries.push(entry)
  }

  /** Drops entries from `index` on (a conflicting suffix); returns what was dropped. */
  truncateFrom(index: number): Entry[] {
    if (index <= this.meta.index) throw new Error(`raft log: truncating compacted index ${index}`)
    return this.entries.splice(index - this.meta.index - 1)
  }

  /** Forgets entries up to meta.index, which the caller has captured in a snapshot. */
  compact(meta: SnapshotMeta): void {
    this.entries = this.entries.filter((e) => e.index > meta.index)
    this.meta = meta
  }

  /** Replaces the whole log by a snapshot received from the leader. */
  restore(meta: SnapshotMeta): void {
    this.entries = []
    this.meta = meta
  }
}
