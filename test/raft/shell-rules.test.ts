// The shell's rules between the core and the disk/network (raft-group.ts): coalescing appends per
// follower, which leader appends may leave before the leader's write, and which writes can wait.
import { describe, expect, it } from 'vitest'
import { coalesceAppends } from '../../daemon/raft/coalesce.ts'
import { leaderSends } from '../../daemon/raft/leader-sends.ts'
import { RaftNode } from '../../daemon/raft/raft-node.ts'
import type { RaftPersist } from '../../daemon/raft/storage.ts'
import type { AppendMessage, Entry, RaftMessage } from '../../daemon/raft/types.ts'
import { WritePlan } from '../../daemon/raft/write-plan.ts'
import { Cluster, utf8 } from './cluster.ts'

const deep = {
  engine: (o: ConstructorParameters<typeof RaftNode>[0]) => new RaftNode({ ...o, maxInflight: 8 }),
}

/** A leader with `n` proposals whose appends are still undelivered. */
function leaderWithPending(n: number): { cluster: Cluster; leader: string; follower: string } {
  const cluster = new Cluster(['a', 'b', 'c'], deep)
  const leader = cluster.electLeader()
  const follower = ['a', 'b', 'c'].find((id) => id !== leader) as string
  cluster.inflight = []
  for (let i = 1; i <= n; i++) {
    cluster.step(leader, { type: 'propose', requestId: `r${i}`, client: 'w', seq: i, payload: utf8(`e${i}`) })
  }
  return { cluster, leader, follower }
}

describe('coalesceAppends', () => {
  it('merges appends that continue one another into one per follower, which the follower takes whole', () => {
    const { cluster, leader, follower } = leaderWithPending(5)
    const toFollower = cluster.inflight.filter((m) => m.to === follower && m.type === 'append')
    expect(toFollower.length).toBe(5)
    const merged = coalesceAppends(cluster.inflight).filter((m) => m.to === follower)
    expect(merged.length).toBe(1)
    const one = merged[0] as AppendMessage
    expect(one.entries.map((e) => e.index)).toEqual(
      toFollower.flatMap((m) => (m as AppendMessage).entries.map((e) => e.index)),
    )
    expect(one.prevIndex).toBe((toFollower[0] as AppendMessage).prevIndex)
    // The follower stores all five and answers once; that answer acknowledges all five.
    cluster.inflight = []
    cluster.step(follower, { type: 'message', message: one })
    const answers = cluster.inflight.filter((m) => m.type === 'append-response')
    expect(answers.length).toBe(1)
    cluster.step(leader, { type: 'message', message: answers[0] as RaftMessage })
    expect(cluster.get(leader).engine.status().commit).toBe(one.entries.at(-1)?.index)
    expect(cluster.get(follower).storage.storedEntries().length).toBe(
      cluster.get(leader).storage.storedEntries().length,
    )
  })

  it('merges nothing across another message to the same member, a term change or a gap', () => {
    const e = (index: number, term: number) => ({ index, term, payload: new Uint8Array(1) }) as Entry
    const append = (prevIndex: number, prevTerm: number, entries: Entry[], term = 1): AppendMessage => ({
      type: 'append',
      from: 'a',
      to: 'b',
      term,
      prevIndex,
      prevTerm,
      entries,
      commit: 0,
      round: 0,
    })
    const vote: RaftMessage = {
      type: 'vote',
      from: 'a',
      to: 'b',
      term: 1,
      lastIndex: 0,
      lastTerm: 0,
      pre: true,
    }
    expect(coalesceAppends([append(0, 0, [e(1, 1)]), vote, append(1, 1, [e(2, 1)])]).length).toBe(3)
    expect(coalesceAppends([append(0, 0, [e(1, 1)]), append(1, 1, [e(2, 2)], 2)]).length).toBe(2)
    expect(coalesceAppends([append(0, 0, [e(1, 1)]), append(2, 1, [e(3, 1)])]).length).toBe(2)
    // A heartbeat that continues an append only moves the commit index and round.
    const merged = coalesceAppends([append(0, 0, [e(1, 1)]), { ...append(1, 1, []), commit: 1, round: 4 }])
    expect(merged).toEqual([{ ...append(0, 0, [e(1, 1)]), commit: 1, round: 4 }])
    // Limits: entries and bytes.
    const many = Array.from({ length: 4 }, (_, i) => append(i, 1, [e(i + 1, 1)]))
    expect(coalesceAppends(many, { maxEntries: 2, maxBytes: 1 << 20 }).length).toBe(2)
    expect(coalesceAppends(many, { maxEntries: 100, maxBytes: 2 }).length).toBe(2)
  })
})

describe('leaderSends', () => {
  const msg = (over: Partial<AppendMessage>): AppendMessage => ({
    type: 'append',
    from: 'a',
    to: 'b',
    term: 3,
    prevIndex: 9,
    prevTerm: 3,
    entries: [{ index: 10, term: 3 } as Entry],
    commit: 8,
    round: 1,
    ...over,
  })

  it('sends appends at once with the commit index held to the durable log, and the rest after', () => {
    const vote: RaftMessage = {
      type: 'vote-response',
      from: 'a',
      to: 'c',
      term: 3,
      granted: false,
      pre: false,
    }
    const s = leaderSends([msg({ commit: 10 }), vote, msg({ to: 'c', commit: 9 })], {
      leader: true,
      durableTerm: 3,
      durableLast: 9,
    })
    expect(s.now).toEqual([msg({ commit: 9 }), msg({ to: 'c', commit: 9 })])
    // The real commit index follows the write, continuing the early append.
    expect(s.afterWrite).toEqual([msg({ prevIndex: 10, prevTerm: 3, entries: [], commit: 10 }), vote])
  })

  it('holds everything back when not the leader or when the term is not durable yet', () => {
    const m = [msg({})]
    expect(leaderSends(m, { leader: false, durableTerm: 3, durableLast: 9 })).toEqual({
      now: [],
      afterWrite: m,
    })
    expect(leaderSends(m, { leader: true, durableTerm: 2, durableLast: 9 })).toEqual({
      now: [],
      afterWrite: m,
    })
  })
})

describe('WritePlan', () => {
  const hs = (term: number, commit: number, vote?: string) => ({ term, vote, commit })
  const only = (h: ReturnType<typeof hs>): RaftPersist => ({
    snapshot: undefined,
    discardEntries: false,
    entries: [],
    hardState: h,
  })
  const withEntry: RaftPersist = { ...only(hs(1, 1)), hardState: undefined, entries: [{ index: 3 } as Entry] }

  it('defers commit-only changes, writes them before the next real write, or after lazyMs', () => {
    const plan = new WritePlan(hs(1, 0, 'a'), 100)
    expect(plan.take([only(hs(1, 1, 'a'))], 0)).toBeUndefined()
    expect(plan.take([only(hs(1, 2, 'a'))], 50)).toBeUndefined()
    // A write with entries carries the newest deferred hard state first.
    expect(plan.take([withEntry], 60)).toEqual([only(hs(1, 2, 'a')), withEntry])
    expect(plan.take([only(hs(1, 3, 'a'))], 70)).toBeUndefined()
    expect(plan.take([], 169)).toBeUndefined()
    expect(plan.take([], 170)).toEqual([only(hs(1, 3, 'a'))])
    expect(plan.takePending()).toBeUndefined()
    expect(plan.take([only(hs(1, 4, 'a'))], 200)).toBeUndefined()
    expect(plan.takePending()).toEqual(only(hs(1, 4, 'a')))
  })

  it('writes a change of term or vote at once and tracks the durable term', () => {
    const plan = new WritePlan(hs(1, 0), 100)
    expect(plan.take([only(hs(2, 0))], 0)).toEqual([only(hs(2, 0))])
    expect(plan.durableTerm).toBe(2)
    expect(plan.take([only(hs(2, 0, 'b'))], 1)).toEqual([only(hs(2, 0, 'b'))])
    expect(plan.take([only(hs(2, 5, 'b'))], 2)).toBeUndefined()
  })
})
