// Durable storage of a Raft member in LevelDB: hard state (term, vote, commit), the latest snapshot and
// the entries after it. Each `save` is one atomic batch, written with fsync by default: the shell sends
// the messages of a step only after its save resolved, so a vote granted or an entry acknowledged is on
// disk before anyone hears of it, even if the machine loses power. (A batch that only moves the commit
// index skips the fsync: see saveAll.)
//
// Layout, under a prefix per group (base64url of the group id, so ids cannot collide with the layout):
//   <group>/h            hard state, JSON {term, vote, commit}
//   <group>/s            snapshot, the RaftSnapshot wire encoding
//   <group>/e<16 hex>    entry at that index, the RaftEntry wire encoding (hex keeps index order)
// The storage talks to a small key-value interface; `levelKv` adapts a classic-level database or
// sublevel with string keys. (Issue 18c moves stores onto typed repositories in daemon/store/: this
// storage then gets a repository behind the same interface and a bucket in that table.)

import { decodeEntry, decodeSnapshot, encodeEntry, encodeSnapshot } from '../wire/raft-codec.ts'
import { EMPTY_HARD_STATE, type RaftPersist, type RaftStorage } from './storage.ts'
import type { Entry, HardState, PersistedRaftState, Snapshot } from './types.ts'

export type KvOp = { type: 'put'; key: string; value: Uint8Array } | { type: 'del'; key: string }

/** The few key-value operations the Raft storage needs. */
export interface RaftKv {
  get(key: string): Promise<Uint8Array | undefined>
  /** Values of keys in [gte, lt), in key order. */
  values(range: { gte: string; lt: string }): AsyncIterable<Uint8Array>
  /** Applies ops atomically; durably (fsync) when `sync`. */
  batch(ops: KvOp[], sync: boolean): Promise<void>
}

/** What `levelKv` needs of an abstract-level database (classic-level or one of its sublevels). */
export interface LevelLike {
  get(key: string, options: { valueEncoding: 'view' }): Promise<Uint8Array | undefined>
  values(options: { gte: string; lt: string; valueEncoding: 'view' }): AsyncIterable<Uint8Array>
  batch(
    ops: Array<{ type: 'put'; key: string; value: Uint8Array } | { type: 'del'; key: string }>,
    options: { valueEncoding: 'view'; sync: boolean },
  ): Promise<void>
}

export function levelKv(db: LevelLike): RaftKv {
  return {
    get: (key) => db.get(key, { valueEncoding: 'view' }),
    values: (range) => db.values({ ...range, valueEncoding: 'view' }),
    batch: (ops, sync) => db.batch(ops, { valueEncoding: 'view', sync }),
  }
}

export interface LevelRaftStorageOptions {
  /** fsync each save (default true). Off only where losing the last writes on power loss is acceptable. */
  sync?: boolean
}

const entryKeyPart = (index: number): string => index.toString(16).padStart(16, '0')

export class LevelRaftStorage implements RaftStorage {
  private readonly prefix: string
  private readonly sync: boolean
  /** Stored entry range, known after load(); empty when first > last. */
  private first = 1
  private last = 0
  private snapshotIndex = 0
  private loaded = false
  /** Term and vote as last written (a change of either needs fsync). */
  private durableTerm = 0
  private durableVote: string | undefined
  private readonly kv: RaftKv

  constructor(kv: RaftKv, groupId: string, options: LevelRaftStorageOptions = {}) {
    this.kv = kv
    this.prefix = `${Buffer.from(groupId, 'utf8').toString('base64url')}/`
    this.sync = options.sync ?? true
  }

  private key(part: string): string {
    return `${this.prefix}${part}`
  }

  private entryKey(index: number): string {
    return this.key(`e${entryKeyPart(index)}`)
  }

  async load(): Promise<PersistedRaftState> {
    const hsBytes = await this.kv.get(this.key('h'))
    const hardState: HardState =
      hsBytes == null ? { ...EMPTY_HARD_STATE } : parseHardState(Buffer.from(hsBytes).toString('utf8'))
    const snapBytes = await this.kv.get(this.key('s'))
    const snapshot: Snapshot | undefined = snapBytes == null ? undefined : decodeSnapshot(snapBytes)
    const entries: Entry[] = []
    for await (const value of this.kv.values({ gte: this.key('e'), lt: this.key('f') })) {
      const e = decodeEntry(value)
      const expected = (entries.at(-1)?.index ?? snapshot?.meta.index ?? 0) + 1
      if (e.index !== expected) throw new Error(`raft storage: entry ${e.index} stored after ${expected - 1}`)
      entries.push(e)
    }
    this.snapshotIndex = snapshot?.meta.index ?? 0
    this.first = entries[0]?.index ?? this.snapshotIndex + 1
    this.last = entries.at(-1)?.index ?? this.snapshotIndex
    this.durableTerm = hardState.term
    this.durableVote = hardState.vote
    this.loaded = true
    return { hardState, snapshot, entries }
  }

  /** Stored entries with index in [from, to], at most `limit`, in order (for reading a thread). */
  async readEntries(from: number, to: number, limit: number): Promise<Entry[]> {
    const out: Entry[] = []
    if (to < from || limit <= 0) return out
    const range = { gte: this.entryKey(Math.max(from, 0)), lt: this.entryKey(to + 1) }
    for await (const value of this.kv.values(range)) {
      out.push(decodeEntry(value))
      if (out.length >= limit) break
    }
    return out
  }

  async save(persist: RaftPersist): Promise<void> {
    await this.saveAll([persist])
  }

  /**
   * Several steps' persists, in order, in one atomic batch (group commit): later writes of a key win,
   * as they would have one after the other.
   */
  async saveAll(persists: RaftPersist[]): Promise<void> {
    // The stored range is tracked in memory so deletes need no read; it is known only after load.
    if (!this.loaded) throw new Error('raft storage: save before load')
    const ops: KvOp[] = []
    const range = { first: this.first, last: this.last, snapshotIndex: this.snapshotIndex }
    for (const p of persists) this.opsFor(p, range, ops)
    if (ops.length === 0) return
    // Only term, vote and the log promise something to others; the commit index can always be
    // learned again from the leader (Raft never needs it durable). A batch that changes nothing but
    // the commit index is written without fsync: it still survives the process, and on power loss
    // the member merely restarts with a lower commit index. A later fsync covers it anyway.
    const hs = persists.findLast((p) => p.hardState != null)?.hardState
    const promises =
      persists.some((p) => p.entries.length > 0 || p.snapshot != null || p.discardEntries) ||
      (hs != null && (hs.term !== this.durableTerm || hs.vote !== this.durableVote))
    await this.kv.batch(ops, this.sync && promises)
    if (hs != null) {
      this.durableTerm = hs.term
      this.durableVote = hs.vote
    }
    this.first = range.first
    this.last = range.last
    this.snapshotIndex = range.snapshotIndex
  }

  private opsFor(
    persist: RaftPersist,
    range: { first: number; last: number; snapshotIndex: number },
    ops: KvOp[],
  ): void {
    let { first, last, snapshotIndex } = range
    const dropRange = (from: number, to: number): void => {
      for (let i = Math.max(from, first); i <= Math.min(to, last); i++)
        ops.push({ type: 'del', key: this.entryKey(i) })
    }
    if (persist.discardEntries) {
      dropRange(first, last)
      last = first - 1
    }
    if (persist.snapshot != null) {
      snapshotIndex = persist.snapshot.meta.index
      ops.push({ type: 'put', key: this.key('s'), value: encodeSnapshot(persist.snapshot) })
      dropRange(first, snapshotIndex)
      if (last <= snapshotIndex) last = snapshotIndex
      first = snapshotIndex + 1
    }
    const head = persist.entries[0]
    if (head != null) {
      if (last < first - 1) last = first - 1
      const expected = Math.min(last, Math.max(head.index - 1, first - 1)) + 1
      if (head.index !== expected || head.index < first) {
        throw new Error(`raft storage: entry ${head.index} written after ${last}`)
      }
      const newLast = head.index + persist.entries.length - 1
      // A conflicting suffix longer than the new entries: the rest of it goes.
      dropRange(newLast + 1, last)
      for (const e of persist.entries)
        ops.push({ type: 'put', key: this.entryKey(e.index), value: encodeEntry(e) })
      last = newLast
    }
    if (persist.hardState != null) {
      const hs = persist.hardState
      const json = JSON.stringify({ term: hs.term, vote: hs.vote ?? null, commit: hs.commit })
      ops.push({ type: 'put', key: this.key('h'), value: Buffer.from(json, 'utf8') })
    }
    Object.assign(range, { first, last, snapshotIndex })
  }
}

function parseHardState(text: string): HardState {
  const v = JSON.parse(text) as { term?: unknown; vote?: unknown; commit?: unknown }
  if (!Number.isSafeInteger(v.term) || !Number.isSafeInteger(v.commit)) {
    throw new Error('raft storage: corrupt hard state')
  }
  return {
    term: v.term as number,
    vote: typeof v.vote === 'string' ? v.vote : undefined,
    commit: v.commit as number,
  }
}
