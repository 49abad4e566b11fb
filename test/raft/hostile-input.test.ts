// Bad input never crashes a member or changes its state: messages with nonsensical numbers or broken
// entries are dropped (and logged), as is anything from a non-member. Afterwards the group still
// agrees and commits.

import { describe, expect, it } from 'vitest'
import type { RaftMessage } from '../../daemon/raft/types.ts'
import { Cluster } from './cluster.ts'
import { Prng } from './sim/prng.ts'

const ids = ['a', 'b', 'c']
const BAD_NUMBERS = [Number.NaN, -2, -1.5, 0.5, 2 ** 60, Number.POSITIVE_INFINITY]

/** Real traffic to mutate: a few rounds of appends, reads and heartbeats. */
function recordTraffic(cluster: Cluster, leader: string): RaftMessage[] {
  const seen: RaftMessage[] = []
  const follower = ids.find((id) => id !== leader) as string
  for (let i = 1; i <= 5; i++) {
    cluster.step(follower, {
      type: 'propose',
      requestId: `p${i}`,
      client: 'c',
      seq: i,
      payload: new Uint8Array([i]),
    })
    cluster.step(follower, { type: 'read', requestId: `r${i}` })
    seen.push(...cluster.inflight)
    cluster.deliverAll()
    for (const id of ids) cluster.step(id, { type: 'tick' })
    seen.push(...cluster.inflight)
    cluster.deliverAll()
  }
  return seen
}

/** Sets one numeric field (of the message or of one of its entries) to a value no member sends. */
function breakOneNumber(msg: RaftMessage, rng: Prng): RaftMessage | undefined {
  const copy = structuredClone(msg) as unknown as Record<string, unknown>
  const targets: [Record<string, unknown>, string][] = []
  for (const [k, v] of Object.entries(copy)) if (typeof v === 'number') targets.push([copy, k])
  for (const e of (copy.entries as Record<string, unknown>[] | undefined) ?? []) {
    for (const k of ['index', 'term', 'seq']) targets.push([e, k])
  }
  if (targets.length === 0) return undefined
  const [obj, key] = rng.pick(targets)
  obj[key] = rng.pick(BAD_NUMBERS)
  if (key === 'index' && obj === copy && rng.chance(0.5)) obj[key] = -3 // -1 is a legal hint
  return copy as unknown as RaftMessage
}

describe('hostile input', () => {
  it('drops messages with nonsensical numbers without changing any member', () => {
    const cluster = new Cluster(ids)
    const leader = cluster.electLeader()
    const traffic = recordTraffic(cluster, leader)
    const rng = new Prng(7)
    let sent = 0
    for (let i = 0; i < 2000; i++) {
      const bad = breakOneNumber(rng.pick(traffic), rng)
      if (bad == null) continue
      const target = cluster.get(bad.to)
      const before = JSON.stringify(target.engine.status())
      const dropped = target.events.length
      expect(() => cluster.step(bad.to, { type: 'message', message: bad })).not.toThrow()
      expect(JSON.stringify(target.engine.status())).toBe(before)
      expect(target.events.slice(dropped).map((e) => e.type)).toEqual(['message-dropped'])
      sent++
    }
    expect(sent).toBeGreaterThan(1500)
    cluster.inflight = []
    cluster.propose(leader, 'c2', 1, 'still working')
    cluster.tick()
    for (const id of ids) expect(cluster.texts(id).at(-1)).toBe('still working')
  })

  it('ignores well-formed messages from a non-member, whatever they claim', () => {
    const cluster = new Cluster(ids)
    const leader = cluster.electLeader()
    const traffic = recordTraffic(cluster, leader).filter(
      (m) => !m.type.includes('forward') && !m.type.startsWith('read'),
    )
    const rng = new Prng(11)
    for (let i = 0; i < 500; i++) {
      const msg = structuredClone(rng.pick(traffic)) as RaftMessage
      msg.from = 'mallory'
      msg.term += rng.int(0, 3)
      const target = cluster.get(msg.to)
      const before = JSON.stringify(target.engine.status())
      cluster.step(msg.to, { type: 'message', message: msg })
      expect(JSON.stringify(target.engine.status())).toBe(before)
    }
    expect(cluster.inflight.filter((m) => m.to === 'mallory')).toEqual([])
    cluster.propose(leader, 'c2', 1, 'unbothered')
    cluster.tick()
    for (const id of ids) expect(cluster.texts(id).at(-1)).toBe('unbothered')
  })

  it('takes the answer to a forward or a read only from the leader it was sent to', () => {
    const cluster = new Cluster(ids)
    const leader = cluster.electLeader()
    const [asker, other] = ids.filter((id) => id !== leader) as [string, string]
    cluster.step(asker, {
      type: 'propose',
      requestId: 'p1',
      client: 'c',
      seq: 1,
      payload: new Uint8Array([1]),
    })
    cluster.step(asker, { type: 'read', requestId: 'r1' })
    const requests = cluster.inflight.splice(0)
    expect(requests.map((m) => [m.type, m.to])).toEqual([
      ['forward', leader],
      ['read-index', leader],
    ])
    // The other follower answers both first (a member can learn request ids it should not answer).
    const { term } = cluster.get(asker).engine.status()
    const forged: RaftMessage[] = [
      {
        type: 'forward-response',
        from: other,
        to: asker,
        term,
        requestId: 'p1',
        outcome: { ok: false, reason: 'NO_LEADER', detail: 'forged' },
      },
      { type: 'read-index-response', from: other, to: asker, term, requestId: 'r1', index: 0 },
    ]
    for (const message of forged) cluster.step(asker, { type: 'message', message })
    expect(cluster.get(asker).proposals).toEqual([])
    expect(cluster.get(asker).reads).toEqual([])
    // The leader's real answers are taken.
    cluster.inflight.push(...requests)
    cluster.deliverAll()
    cluster.tick()
    expect(cluster.get(asker).proposals.map((p) => [p.requestId, p.outcome.ok])).toEqual([['p1', true]])
    expect(cluster.get(asker).reads.map((r) => r.requestId)).toEqual(['r1'])
  })
})
