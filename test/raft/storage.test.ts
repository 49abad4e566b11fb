import { describe, expect, it } from 'vitest'
import { MemoryRaftStorage, type RaftPersist } from '../../daemon/raft/storage.ts'
import type { Entry, Snapshot } from '../../daemon/raft/types.ts'

const entry = (index: number, term: number): Entry => ({
  index,
  term,
  kind: 'data',
  proposer: 'a',
  client: 'c',
  seq: index,
  payload: new Uint8Array(),
  signature: new Uint8Array(),
  prevHash: new Uint8Array(),
  hash: new Uint8Array([index, term]),
})
const snapshot = (index: number, term: number): Snapshot => ({
  meta: {
    index,
    term,
    hash: new Uint8Array(),
    membership: { voters: ['a'], learners: [] },
    memberChanges: [],
    dedupe: [],
  },
  data: new Uint8Array([index]),
})
const persist = (p: Partial<RaftPersist>): RaftPersist => ({
  snapshot: undefined,
  discardEntries: false,
  entries: [],
  hardState: undefined,
  ...p,
})
const indexes = (s: MemoryRaftStorage) => s.loadSync().entries.map((e) => `${e.index}@${e.term}`)

describe('MemoryRaftStorage', () => {
  it('appends, replaces a conflicting suffix, and keeps the hard state', async () => {
    const s = new MemoryRaftStorage()
    s.saveSync(
      persist({
        entries: [entry(1, 1), entry(2, 1), entry(3, 1)],
        hardState: { term: 1, vote: 'a', commit: 1 },
      }),
    )
    s.saveSync(persist({ entries: [entry(2, 2)] }))
    expect(indexes(s)).toEqual(['1@1', '2@2'])
    expect((await s.load()).hardState).toEqual({ term: 1, vote: 'a', commit: 1 })
  })

  it('refuses a write that would leave a gap', () => {
    const s = new MemoryRaftStorage()
    s.saveSync(persist({ entries: [entry(1, 1)] }))
    expect(() => s.saveSync(persist({ entries: [entry(3, 1)] }))).toThrow(/entry 3 written after 1/)
  })

  it('a compaction snapshot drops the entries it covers and keeps the rest', () => {
    const s = new MemoryRaftStorage()
    s.saveSync(persist({ entries: [1, 2, 3, 4].map((i) => entry(i, 1)) }))
    s.saveSync(persist({ snapshot: snapshot(2, 1) }))
    expect(indexes(s)).toEqual(['3@1', '4@1'])
    expect(s.loadSync().snapshot?.meta.index).toBe(2)
    s.saveSync(persist({ entries: [entry(5, 1)] }))
    expect(indexes(s)).toEqual(['3@1', '4@1', '5@1'])
  })

  it('an installed snapshot with discardEntries replaces the whole log', () => {
    const s = new MemoryRaftStorage()
    s.saveSync(persist({ entries: [1, 2, 3, 4].map((i) => entry(i, 1)) }))
    s.saveSync(persist({ snapshot: snapshot(3, 2), discardEntries: true }))
    expect(indexes(s)).toEqual([])
    s.saveSync(persist({ entries: [entry(4, 2)] }))
    expect(indexes(s)).toEqual(['4@2'])
  })
})
