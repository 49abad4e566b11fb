// LevelRaftStorage against a real LevelDB: it must store exactly what MemoryRaftStorage (the model the
// simulation proves the core with) stores, across reopenings of the database, for random sequences of
// persists like the core produces (appends, conflicting suffixes, compaction snapshots, snapshots from a
// leader that replace the log, hard-state changes).

import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { MemoryRaftStorage, type RaftPersist } from '../../daemon/raft/storage.ts'
import {
  LevelRaftStorage,
  openRaftRepositories,
  type RaftRepositories,
} from '../../daemon/raft/storage-leveldb.ts'
import type { Entry, PersistedRaftState, Snapshot } from '../../daemon/raft/types.ts'
import { openStore, type Store } from '../../daemon/store/store.ts'
import { Prng } from './sim/prng.ts'

const entry = (index: number, term: number): Entry => ({
  index,
  term,
  kind: 'data',
  proposer: 'did:key:zA',
  client: 'did:key:zA/c',
  seq: index,
  payload: new Uint8Array([index % 256, term]),
  signature: new Uint8Array(64).fill(term),
  prevHash: new Uint8Array([index - 1]),
  hash: new Uint8Array([index, term]),
})

const snapshot = (index: number, term: number): Snapshot => ({
  meta: {
    index,
    term,
    hash: new Uint8Array([index]),
    membership: { voters: ['a', 'b', 'c'], learners: [] },
    memberChanges: [],
    dedupe: [{ client: 'x', seq: 1, index }],
  },
  data: new Uint8Array([index, 7]),
})

function plain(s: PersistedRaftState) {
  return {
    hardState: s.hardState,
    snapshot: s.snapshot == null ? null : { index: s.snapshot.meta.index, data: [...s.snapshot.data] },
    entries: s.entries.map((e) => `${e.index}@${e.term}:${[...e.payload].join(',')}`),
  }
}

const dirs: string[] = []
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true })
})

const openDb = (dir: string): Promise<Store> => openStore(dir)
const repos = (db: Store): RaftRepositories => openRaftRepositories(db)

describe('LevelRaftStorage', () => {
  it('matches the in-memory model over random persists, across reopenings', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'raft-level-'))
    dirs.push(dir)
    const rng = new Prng(20)
    const model = new MemoryRaftStorage()
    let db = await openDb(dir)
    let storage = new LevelRaftStorage(repos(db), 'thread/ü:1')
    await storage.load()
    let term = 1
    let pending: RaftPersist[] = []
    for (let step = 0; step < 300; step++) {
      const state = model.loadSync()
      const snapIndex = state.snapshot?.meta.index ?? 0
      const last = state.entries.at(-1)?.index ?? snapIndex
      const r = rng.next()
      let p: RaftPersist
      if (r < 0.5) {
        // Append, or overwrite a suffix from a random point after the snapshot (a conflict).
        const from =
          rng.next() < 0.7 ? last + 1 : snapIndex + 1 + Math.floor(rng.next() * (last - snapIndex + 1))
        if (rng.next() < 0.3) term++
        const n = 1 + Math.floor(rng.next() * 5)
        p = { snapshot: undefined, discardEntries: false, entries: [], hardState: undefined }
        for (let i = 0; i < n; i++) p.entries.push(entry(from + i, term))
      } else if (r < 0.65 && last > snapIndex) {
        // Compaction: a snapshot of a prefix of the log.
        const at = snapIndex + 1 + Math.floor(rng.next() * (last - snapIndex))
        p = { snapshot: snapshot(at, term), discardEntries: false, entries: [], hardState: undefined }
      } else if (r < 0.72) {
        // A snapshot from the leader that replaces the whole log, maybe with entries after it.
        const at = last + Math.floor(rng.next() * 4)
        const entries = rng.next() < 0.5 ? [entry(at + 1, term)] : []
        p = { snapshot: snapshot(at, term), discardEntries: true, entries, hardState: undefined }
      } else {
        if (rng.next() < 0.5) term++
        const vote = rng.next() < 0.5 ? undefined : `did:key:z${step}`
        p = {
          snapshot: undefined,
          discardEntries: false,
          entries: [],
          hardState: { term, vote, commit: last },
        }
      }
      model.saveSync(p)
      // Some persists wait and go together in one batch, as the group shell writes them.
      pending.push(p)
      if (rng.next() < 0.6 || step % 37 === 0 || step === 299) {
        if (pending.length === 1) await storage.save(pending[0] as RaftPersist)
        else await storage.saveAll(pending)
        pending = []
      }
      if (step % 37 === 0) {
        await db.close()
        db = await openDb(dir)
        storage = new LevelRaftStorage(repos(db), 'thread/ü:1')
      }
      if (step % 37 === 0 || step === 299) {
        expect(plain(await storage.load()), `step ${step}`).toEqual(plain(model.loadSync()))
      }
    }
    // Nothing was written outside the raft buckets, and exactly one key per stored entry is left.
    const keys = (await db.db.keys().all()).filter((k) => !k.startsWith('!meta!'))
    const state = model.loadSync()
    const expectedKeys = state.entries.length + 2 // entries, hard state, snapshot
    expect(keys.length).toBe(expectedKeys)
    expect(keys.every((k) => k.startsWith('!raft!'))).toBe(true)
    await db.close()
  })

  it('keeps groups apart, refuses gaps and saving before loading', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'raft-level-'))
    dirs.push(dir)
    const db = await openDb(dir)
    const a = new LevelRaftStorage(repos(db), 'a')
    const b = new LevelRaftStorage(repos(db), 'b', { sync: false })
    const none = { snapshot: undefined, discardEntries: false, hardState: undefined }
    await expect(a.save({ ...none, entries: [entry(1, 1)] })).rejects.toThrow(/before load/)
    await a.load()
    await b.load()
    await a.save({ ...none, entries: [entry(1, 1), entry(2, 1)] })
    await b.save({ ...none, entries: [entry(1, 5)] })
    await expect(a.save({ ...none, entries: [entry(4, 1)] })).rejects.toThrow(/entry 4 written after 2/)
    expect((await new LevelRaftStorage(repos(db), 'a').load()).entries.map((e) => e.index)).toEqual([1, 2])
    expect((await new LevelRaftStorage(repos(db), 'b').load()).entries.map((e) => e.term)).toEqual([5])
    await db.close()
  })

  it('refuses a corrupt layout instead of misreading it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'raft-level-'))
    dirs.push(dir)
    const db = await openDb(dir)
    const s = new LevelRaftStorage(repos(db), 'g')
    await s.load()
    await s.save({
      snapshot: undefined,
      discardEntries: false,
      hardState: undefined,
      entries: [entry(1, 1), entry(2, 1)],
    })
    await repos(db).entries.del(['g', 1])
    await expect(new LevelRaftStorage(repos(db), 'g').load()).rejects.toThrow(/entry 2 stored after 0/)
    await db.close()
  })

  it('fsyncs what promises something (entries, snapshots, term, vote) and not a commit-only change', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'raft-level-'))
    dirs.push(dir)
    const db = await openDb(dir)
    const syncs: boolean[] = []
    const kv: RaftRepositories = {
      ...repos(db),
      commit: async (ops, options) => {
        syncs.push(options.sync)
        await db.commit(ops, options)
      },
    }
    const s = new LevelRaftStorage(kv, 'g')
    await s.load()
    const none = { snapshot: undefined, discardEntries: false, entries: [], hardState: undefined }
    await s.save({ ...none, hardState: { term: 1, vote: 'a', commit: 0 } }) // vote: sync
    await s.save({ ...none, entries: [entry(1, 1)] }) // entries: sync
    await s.save({ ...none, hardState: { term: 1, vote: 'a', commit: 1 } }) // commit only: no sync
    await s.save({ ...none, hardState: { term: 2, vote: undefined, commit: 1 } }) // term: sync
    await s.save({ ...none, snapshot: snapshot(1, 1) }) // snapshot: sync
    expect(syncs).toEqual([true, true, false, true, true])
    // With sync off, nothing is fsynced.
    const off = new LevelRaftStorage(kv, 'h', { sync: false })
    await off.load()
    syncs.length = 0
    await off.save({ ...none, entries: [entry(1, 1)] })
    expect(syncs).toEqual([false])
    await db.close()
  })
})
