// Offline verification replays membership changes: an entry is valid only if its proposer was a
// member at that point of the log.

import { describe, expect, it } from 'vitest'
import { chainEntry, signingBytes } from '../../daemon/raft/entry-codec.ts'
import type { Entry } from '../../daemon/raft/types.ts'
import { verifyLog } from '../../daemon/raft/verify-log.ts'
import { Cluster, utf8 } from './cluster.ts'
import { fakeSigner, fakeVerifier } from './sim/fake-auth.ts'

function groupWithChanges() {
  const cluster = new Cluster(['a', 'b', 'c', 'd'], { voters: ['a', 'b', 'c'] })
  cluster.tickUntil(() => cluster.leader() === 'a', 100, ['a'])
  const change = (seq: number, type: 'add' | 'remove', member: string) => {
    cluster.step('a', {
      type: 'change-members',
      requestId: `m${seq}`,
      client: 'admin',
      seq,
      change: { type, member },
    })
    cluster.deliverAll()
    cluster.tick()
  }
  cluster.propose('b', 'cb', 1, 'from b')
  change(1, 'add', 'd')
  cluster.tickUntil(() => cluster.get('a').engine.status().voters.includes('d'))
  change(2, 'remove', 'b')
  cluster.propose('d', 'cd', 1, 'from d')
  cluster.tick()
  return { cluster, entries: cluster.get('a').storage.storedEntries() }
}

describe('verifyLog with membership changes', () => {
  it('accepts a log with an add, a promotion and a removal, ending with the right membership', () => {
    const { cluster, entries } = groupWithChanges()
    expect(entries.filter((e) => e.kind === 'config')).toHaveLength(3)
    expect(verifyLog(cluster.genesis, entries, fakeVerifier())).toMatchObject({
      ok: true,
      entries: entries.length,
      membership: { voters: ['a', 'c', 'd'], learners: [] },
    })
  })

  it('refuses an entry by a member after its removal, and by a member before it was added', () => {
    const { cluster, entries } = groupWithChanges()
    const last = entries.at(-1) as Entry
    const p = { kind: 'data' as const, proposer: 'b', client: 'cb', seq: 2, payload: utf8('too late') }
    const late = chainEntry(
      'test-thread',
      { ...p, signature: fakeSigner('b').sign(signingBytes('test-thread', p)) },
      last.index + 1,
      last.term,
      last.hash,
    )
    expect(verifyLog(cluster.genesis, [...entries, late], fakeVerifier())).toEqual({
      ok: false,
      index: last.index + 1,
      reason: 'proposer b is not a member',
    })
    // d's entry moved before d's addition (chain recomputed) is refused too.
    const first = entries[0] as Entry
    const fromD = entries.find((e) => e.proposer === 'd' && e.kind === 'data') as Entry
    const early = chainEntry('test-thread', fromD, 2, first.term, first.hash)
    expect(verifyLog(cluster.genesis, [first, early], fakeVerifier())).toEqual({
      ok: false,
      index: 2,
      reason: 'proposer d is not a member',
    })
  })
})
