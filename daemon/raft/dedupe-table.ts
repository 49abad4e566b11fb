// Which (client, seq) pairs are in the log, so that a client retrying an append (after a timeout, a
// leader change, or through another member) gets the index of its first attempt instead of a second
// copy. The leader checks it before appending; followers refuse an entry that repeats one.
//
// The key is (client, seq) whoever proposed it: a client may retry through a different member, whose
// signature then differs. Client ids are therefore chosen by the shell so that members cannot collide
// (the daemon prefixes them with the requesting agent's DID). Memory is bounded per client: only the
// newest `window` sequence numbers are kept, and a proposal older than all of them is refused as stale
// rather than risk committing it twice.

import type { DedupeRecord, Entry } from './types.ts'

export const DEFAULT_DEDUPE_WINDOW = 1024

export type DedupeLookup = { state: 'new' } | { state: 'present'; index: number } | { state: 'stale' }

interface ClientWindow {
  seqs: Map<number, number>
  /** Highest sequence number evicted from the window: anything at or below it is stale. */
  evictedUpTo: number
}

export class DedupeTable {
  private readonly clients = new Map<string, ClientWindow>()
  private readonly window: number

  constructor(window = DEFAULT_DEDUPE_WINDOW) {
    this.window = window
  }

  /** Noops carry no client and are never deduplicated. */
  static applies(e: { kind: string; client: string }): boolean {
    return e.kind !== 'noop' && e.client !== ''
  }

  lookup(client: string, seq: number): DedupeLookup {
    const w = this.clients.get(client)
    if (w == null) return { state: 'new' }
    const index = w.seqs.get(seq)
    if (index !== undefined) return { state: 'present', index }
    return seq <= w.evictedUpTo ? { state: 'stale' } : { state: 'new' }
  }

  add(r: DedupeRecord): void {
    let w = this.clients.get(r.client)
    if (w == null) {
      w = { seqs: new Map(), evictedUpTo: 0 }
      this.clients.set(r.client, w)
    }
    w.seqs.set(r.seq, r.index)
    if (w.seqs.size > this.window) {
      // Maps iterate in insertion order: the first key is the oldest proposal (clients count upwards).
      const oldest = w.seqs.keys().next().value as number
      w.seqs.delete(oldest)
      w.evictedUpTo = Math.max(w.evictedUpTo, oldest)
    }
  }

  addEntry(e: Entry): void {
    if (DedupeTable.applies(e)) this.add({ client: e.client, seq: e.seq, index: e.index })
  }

  /** Records whose entries are at or below `index` (what a snapshot at `index` must carry). */
  recordsUpTo(index: number): DedupeRecord[] {
    const out: DedupeRecord[] = []
    for (const [client, w] of this.clients) {
      for (const [seq, at] of w.seqs) if (at <= index) out.push({ client, seq, index: at })
    }
    return out.sort((a, b) => a.index - b.index)
  }
}
