// Durable storage of a Raft member in LevelDB: hard state (term, vote, commit), the latest snapshot and
// the entries after it. Each `save` is one atomic batch, written with fsync by default: the shell sends
// the messages of a step only after its save resolved, so a vote granted or an entry acknowledged is on
// disk before anyone hears of it, even if the machine loses power. (A batch that only moves the commit
// index skips the fsync: see saveAll.)
//
// Three buckets of the daemon's database (daemon/store/buckets.ts), keyed by the group id in base64url
// (which never contains the key separator "!"): `raft.hard-state` (JSON), `raft.snapshots` and
// `raft.entries` (<group>!<index>, the index zero-padded so key order is log order). Entries and
// snapshots are stored in their wire encoding (raft.proto), as base64 text.

import {
  json,
  type KeyCodec,
  malformed,
  type PartCodec,
  pair,
  seq,
  single,
  type ValueCodec,
} from '../store/codecs.ts'
import type { Repository } from '../store/repository.ts'
import { nullable, num, object, str } from '../store/shape.ts'
import type { Store, StoreOp } from '../store/store.ts'
import { decodeEntry, decodeSnapshot, encodeEntry, encodeSnapshot } from '../wire/raft-codec.ts'
import { EMPTY_HARD_STATE, type RaftPersist, type RaftStorage } from './storage.ts'
import type { Entry, HardState, PersistedRaftState, Snapshot } from './types.ts'

/** A group id as a key part: base64url, so any id is safe between separators. */
const groupPart: PartCodec<string> = {
  encode: (id) => Buffer.from(id, 'utf8').toString('base64url'),
  decode: (raw) => Buffer.from(raw, 'base64url').toString('utf8'),
}

/** Wire-encoded bytes as base64 text (the repositories store text). */
function wireValue<T>(
  what: string,
  encode: (v: T) => Uint8Array,
  decode: (b: Uint8Array) => T,
): ValueCodec<T> {
  return {
    encode: (v) => Buffer.from(encode(v)).toString('base64'),
    decode(raw) {
      try {
        return decode(Buffer.from(raw, 'base64'))
      } catch (err) {
        throw malformed(`${what} does not decode: ${(err as Error).message}`)
      }
    },
  }
}

interface HardStateRecord {
  term: number
  vote: string | null
  commit: number
}

const hardStateShape = object<HardStateRecord>({ term: num, vote: nullable(str), commit: num })

/** The Raft buckets of a store; open once per daemon and share between groups. */
export interface RaftRepositories {
  hardStates: Repository<string, HardStateRecord>
  snapshots: Repository<string, Snapshot>
  entries: Repository<[string, number], Entry, string>
  commit(ops: StoreOp[], options: { sync: boolean }): Promise<void>
}

export function openRaftRepositories(store: Pick<Store, 'repository' | 'commit'>): RaftRepositories {
  const groupKey: KeyCodec<string> = single(groupPart)
  return {
    hardStates: store.repository('raft.hard-state', groupKey, json(hardStateShape)),
    snapshots: store.repository(
      'raft.snapshots',
      groupKey,
      wireValue('snapshot', encodeSnapshot, decodeSnapshot),
    ),
    entries: store.repository(
      'raft.entries',
      pair(groupPart, seq),
      wireValue('entry', encodeEntry, decodeEntry),
    ),
    commit: (ops, options) => store.commit(ops, options),
  }
}

export interface LevelRaftStorageOptions {
  /** fsync each save (default true). Off only where losing the last writes on power loss is acceptable. */
  sync?: boolean
}

export class LevelRaftStorage implements RaftStorage {
  private readonly groupId: string
  private readonly sync: boolean
  /** Stored entry range, known after load(); empty when first > last. */
  private first = 1
  private last = 0
  private snapshotIndex = 0
  private loaded = false
  /** Term and vote as last written (a change of either needs fsync). */
  private durableTerm = 0
  private durableVote: string | undefined
  private readonly repos: RaftRepositories

  constructor(repos: RaftRepositories, groupId: string, options: LevelRaftStorageOptions = {}) {
    this.repos = repos
    this.groupId = groupId
    this.sync = options.sync ?? true
  }

  async load(): Promise<PersistedRaftState> {
    const hs = await this.repos.hardStates.get(this.groupId)
    const hardState: HardState =
      hs == null ? { ...EMPTY_HARD_STATE } : { term: hs.term, vote: hs.vote ?? undefined, commit: hs.commit }
    const snapshot = await this.repos.snapshots.get(this.groupId)
    const entries: Entry[] = []
    for await (const e of this.repos.entries.values({ group: this.groupId })) {
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
    const g = this.groupId
    for await (const e of this.repos.entries.values({ gte: [g, Math.max(from, 0)], lte: [g, to], limit })) {
      out.push(e)
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
    const ops: StoreOp[] = []
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
    await this.repos.commit(ops, { sync: this.sync && promises })
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
    ops: StoreOp[],
  ): void {
    const g = this.groupId
    let { first, last, snapshotIndex } = range
    const dropRange = (from: number, to: number): void => {
      for (let i = Math.max(from, first); i <= Math.min(to, last); i++)
        ops.push(this.repos.entries.delOp([g, i]))
    }
    if (persist.discardEntries) {
      dropRange(first, last)
      last = first - 1
    }
    if (persist.snapshot != null) {
      snapshotIndex = persist.snapshot.meta.index
      ops.push(this.repos.snapshots.putOp(g, persist.snapshot))
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
      for (const e of persist.entries) ops.push(this.repos.entries.putOp([g, e.index], e))
      last = newLast
    }
    if (persist.hardState != null) {
      const hs = persist.hardState
      ops.push(this.repos.hardStates.putOp(g, { term: hs.term, vote: hs.vote ?? null, commit: hs.commit }))
    }
    Object.assign(range, { first, last, snapshotIndex })
  }
}
