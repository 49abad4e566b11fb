import { describe, expect, it } from 'vitest'
import { chainEntry, encodeConfigChange, signingBytes } from '../../daemon/raft/entry-codec.ts'
import { RaftNode } from '../../daemon/raft/raft-node.ts'
import type { AppendMessage, Entry, RaftMessage, VoteMessage } from '../../daemon/raft/types.ts'
import { Cluster, utf8 } from './cluster.ts'
import { fakeSigner } from './sim/fake-auth.ts'

const ids = ['a', 'b', 'c']

describe('Raft core: election and replication', () => {
  it('elects one leader and commits the same entries, in the same order, on every member', () => {
    const cluster = new Cluster(ids)
    const leader = cluster.electLeader()
    const follower = ids.find((id) => id !== leader) as string
    cluster.propose(leader, 'c1', 1, 'one')
    cluster.propose(follower, 'c2', 1, 'two') // forwarded to the leader
    cluster.propose(leader, 'c1', 2, 'three')
    cluster.tick()
    for (const id of ids) expect(cluster.texts(id)).toEqual(['one', 'two', 'three'])
    expect(cluster.get(follower).proposals[0]?.outcome).toMatchObject({ ok: true, index: 3 })
  })

  it('batches entries while appends are unacknowledged (flow control)', () => {
    const cluster = new Cluster(ids)
    const leader = cluster.electLeader()
    cluster.tick()
    for (let i = 1; i <= 16; i++) {
      cluster.step(leader, {
        type: 'propose',
        requestId: `r${i}`,
        client: 'c',
        seq: i,
        payload: utf8(`e${i}`),
      })
    }
    // Two appends with entries in flight per follower (the default maxInflight), the rest waits.
    const withEntries = cluster.inflight.filter((m) => m.type === 'append' && m.entries.length > 0)
    expect(withEntries).toHaveLength(2 * (ids.length - 1))
    let appends = 0
    while (cluster.inflight.length > 0) {
      const msg = cluster.inflight.shift() as RaftMessage
      if (msg.type === 'append' && msg.entries.length > 0) appends++
      cluster.step(msg.to, { type: 'message', message: msg })
    }
    for (const id of ids) expect(cluster.texts(id)).toHaveLength(16)
    expect(appends).toBeLessThan(16)
  })

  it('persists the vote in the same output as the vote it grants (persist before send)', () => {
    const cluster = new Cluster(ids)
    cluster.electLeader()
    const grants = [...cluster.members.values()].flatMap((m) =>
      m.outputs.filter((o) => o.messages.some((x) => x.type === 'vote-response' && !x.pre && x.granted)),
    )
    expect(grants.length).toBeGreaterThan(0)
    for (const out of grants) {
      const response = out.messages.find(
        (x) => x.type === 'vote-response' && !x.pre && x.granted,
      ) as RaftMessage
      expect(out.persist?.hardState).toMatchObject({ term: response.term, vote: response.to })
    }
  })

  it('commits only with a majority: a leader cut off from both followers commits nothing', () => {
    const cluster = new Cluster(ids)
    const leader = cluster.electLeader()
    cluster.tick()
    cluster.isolate(leader)
    cluster.propose(leader, 'c1', 1, 'lonely')
    cluster.tick([leader])
    expect(cluster.texts(leader)).toEqual([])
    expect(cluster.get(leader).engine.status().lastIndex).toBeGreaterThan(
      cluster.get(leader).engine.status().commit,
    )
  })

  it('check-quorum: an isolated leader steps down; pre-vote: the isolated member does not raise its term', () => {
    const cluster = new Cluster(ids)
    const leader = cluster.electLeader()
    const termBefore = cluster.get(leader).engine.status().term
    cluster.isolate(leader)
    cluster.tickUntil(() => cluster.get(leader).engine.status().role !== 'leader', 60, [leader])
    // Alone, it keeps failing pre-vote rounds: its term never moves.
    for (let i = 0; i < 100; i++) cluster.tick([leader])
    expect(cluster.get(leader).engine.status().term).toBe(termBefore)
    // The other two elect a leader among themselves; after healing the old leader follows it.
    const others = ids.filter((id) => id !== leader)
    cluster.tickUntil(
      () => others.some((id) => cluster.get(id).engine.status().role === 'leader'),
      200,
      others,
    )
    cluster.heal()
    cluster.tickUntil(() => cluster.get(leader).engine.status().leader === cluster.leader())
    expect(others).toContain(cluster.leader())
  })

  it('a member that comes back from a partition does not depose a healthy leader', () => {
    const cluster = new Cluster(ids)
    const leader = cluster.electLeader()
    const follower = ids.find((id) => id !== leader) as string
    const term = cluster.get(leader).engine.status().term
    cluster.isolate(follower)
    for (let i = 0; i < 100; i++) cluster.tick()
    cluster.heal()
    for (let i = 0; i < 20; i++) cluster.tick()
    expect(cluster.leader()).toBe(leader)
    expect(cluster.get(leader).engine.status().term).toBe(term)
  })

  it('deduplicates a retried (client, seq): the second proposal gets the first index', () => {
    const cluster = new Cluster(ids)
    const leader = cluster.electLeader()
    const follower = ids.find((id) => id !== leader) as string
    cluster.propose(leader, 'c1', 7, 'once')
    cluster.propose(follower, 'c1', 7, 'once')
    cluster.tick()
    expect(cluster.texts(follower)).toEqual(['once'])
    const outcomes = [...cluster.get(leader).proposals, ...cluster.get(follower).proposals].map(
      (p) => p.outcome,
    )
    expect(outcomes).toEqual([
      { ok: true, index: 2, term: expect.any(Number), duplicate: false },
      { ok: true, index: 2, term: expect.any(Number), duplicate: true },
    ])
  })

  it('serves read-index reads on the leader and through a follower', () => {
    const cluster = new Cluster(ids)
    const leader = cluster.electLeader()
    const follower = ids.find((id) => id !== leader) as string
    cluster.propose(leader, 'c1', 1, 'x')
    cluster.step(leader, { type: 'read', requestId: 'r1' })
    cluster.step(follower, { type: 'read', requestId: 'r2' })
    cluster.deliverAll()
    expect(cluster.get(leader).reads).toEqual([{ requestId: 'r1', index: 2 }])
    expect(cluster.get(follower).reads).toEqual([{ requestId: 'r2', index: 2 }])
  })

  it('concurrent reads share heartbeat rounds', () => {
    const cluster = new Cluster(ids)
    const leader = cluster.electLeader()
    cluster.tick()
    for (let i = 1; i <= 10; i++) cluster.step(leader, { type: 'read', requestId: `r${i}` })
    // One round is broadcast for the first read; the other nine wait for it to be answered.
    expect(cluster.inflight.filter((m) => m.type === 'append')).toHaveLength(ids.length - 1)
    let heartbeats = 0
    while (cluster.inflight.length > 0) {
      const msg = cluster.inflight.shift() as RaftMessage
      if (msg.type === 'append') heartbeats++
      cluster.step(msg.to, { type: 'message', message: msg })
    }
    expect(cluster.get(leader).reads.map((r) => r.requestId)).toEqual(
      Array.from({ length: 10 }, (_, i) => `r${i + 1}`),
    )
    expect(heartbeats).toBe(2 * (ids.length - 1))
  })

  it('does not answer a read on a leader that cannot reach a majority', () => {
    const cluster = new Cluster(ids)
    const leader = cluster.electLeader()
    cluster.tick()
    cluster.isolate(leader)
    cluster.step(leader, { type: 'read', requestId: 'r1' })
    cluster.deliverAll()
    expect(cluster.get(leader).reads).toEqual([])
    cluster.tickUntil(() => cluster.get(leader).engine.status().role !== 'leader', 60, [leader])
    expect(cluster.get(leader).reads).toEqual([{ requestId: 'r1', index: -1, reason: 'LEADERSHIP_LOST' }])
  })

  it('restarts from storage with its term, vote and log', () => {
    const cluster = new Cluster(ids)
    const leader = cluster.electLeader()
    cluster.propose(leader, 'c1', 1, 'kept')
    cluster.tick()
    const follower = ids.find((id) => id !== leader) as string
    const m = cluster.get(follower)
    const before = m.engine.status()
    const restarted = new RaftNode(
      {
        genesis: cluster.genesis,
        signer: fakeSigner(follower),
        verifier: undefined as never,
        random: () => 0.5,
      },
      { state: m.storage.loadSync() },
    )
    const status = restarted.status()
    expect(status.term).toBe(before.term)
    expect(status.lastIndex).toBe(before.lastIndex)
    expect(status.commit).toBe(before.commit)
  })
})

describe('Raft core: signatures and membership', () => {
  /** The next append the leader sends to `to`, with its entries replaced by `entries`. */
  function forgedAppend(cluster: Cluster, leader: string, to: string, entries: Entry[]): AppendMessage {
    const s = cluster.get(leader).engine.status()
    const last = cluster.get(to).engine.status().lastIndex
    return {
      type: 'append',
      from: leader,
      to,
      term: s.term,
      prevIndex: last,
      prevTerm: s.term,
      entries,
      commit: s.commit,
      round: 0,
    }
  }

  function setup() {
    const cluster = new Cluster(ids)
    const leader = cluster.electLeader()
    cluster.tick()
    const follower = ids.find((id) => id !== leader) as string
    const tail = cluster.get(follower).storage.storedEntries().at(-1) as Entry
    return { cluster, leader, follower, tail }
  }

  it('a follower rejects an entry whose payload was changed after signing', () => {
    const { cluster, leader, follower, tail } = setup()
    const p = { kind: 'data' as const, proposer: leader, client: 'c1', seq: 1, payload: utf8('real') }
    const signed = { ...p, signature: fakeSigner(leader).sign(signingBytes('test-thread', p)) }
    const forged = chainEntry(
      'test-thread',
      { ...signed, payload: utf8('forged') },
      tail.index + 1,
      tail.term,
      tail.hash,
    )
    cluster.step(follower, { type: 'message', message: forgedAppend(cluster, leader, follower, [forged]) })
    expect(cluster.get(follower).engine.status().lastIndex).toBe(tail.index)
    expect(
      cluster
        .get(follower)
        .events.map((e) => e.detail)
        .join(),
    ).toContain('bad signature')
  })

  it('a follower rejects unsigned entries and entries proposed by a non-member', () => {
    const { cluster, leader, follower, tail } = setup()
    const unsigned = chainEntry(
      'test-thread',
      {
        kind: 'data',
        proposer: leader,
        client: 'c1',
        seq: 1,
        payload: utf8('x'),
        signature: new Uint8Array(),
      },
      tail.index + 1,
      tail.term,
      tail.hash,
    )
    const p = { kind: 'data' as const, proposer: 'mallory', client: 'm', seq: 1, payload: utf8('x') }
    const outsider = chainEntry(
      'test-thread',
      { ...p, signature: fakeSigner('mallory').sign(signingBytes('test-thread', p)) },
      tail.index + 1,
      tail.term,
      tail.hash,
    )
    for (const entry of [unsigned, outsider]) {
      cluster.step(follower, { type: 'message', message: forgedAppend(cluster, leader, follower, [entry]) })
    }
    expect(cluster.get(follower).engine.status().lastIndex).toBe(tail.index)
    const details = cluster.get(follower).events.map((e) => e.detail)
    expect(details.join('\n')).toMatch(/bad signature[\s\S]*mallory is not a member/)
  })

  it('a follower rejects an entry that does not chain to its log', () => {
    const { cluster, leader, follower, tail } = setup()
    const p = { kind: 'data' as const, proposer: leader, client: 'c1', seq: 1, payload: utf8('x') }
    const signed = { ...p, signature: fakeSigner(leader).sign(signingBytes('test-thread', p)) }
    const unchained = chainEntry('test-thread', signed, tail.index + 1, tail.term, new Uint8Array(32))
    cluster.step(follower, { type: 'message', message: forgedAppend(cluster, leader, follower, [unchained]) })
    expect(cluster.get(follower).engine.status().lastIndex).toBe(tail.index)
    expect(
      cluster
        .get(follower)
        .events.map((e) => e.detail)
        .join(),
    ).toContain('does not chain')
  })

  it('a non-member can neither vote, campaign nor propose', () => {
    const cluster = new Cluster([...ids, 'mallory'], { voters: ids })
    const leader = cluster.electLeader()
    const term = cluster.get(leader).engine.status().term
    // Mallory campaigns with a huge term: members drop the request and keep their term.
    const vote: VoteMessage = {
      type: 'vote',
      from: 'mallory',
      to: leader,
      term: term + 50,
      pre: false,
      lastIndex: 99,
      lastTerm: term + 49,
    }
    cluster.step(leader, { type: 'message', message: vote })
    expect(cluster.get(leader).engine.status()).toMatchObject({ term, role: 'leader' })
    expect(cluster.get(leader).events.map((e) => e.detail)).toContain('vote from non-member mallory')
    // Mallory's own engine knows it is not a voter: it never campaigns and cannot propose.
    for (let i = 0; i < 50; i++) cluster.tick(['mallory'])
    expect(cluster.get('mallory').engine.status().role).toBe('follower')
    cluster.propose('mallory', 'm', 1, 'let me in')
    expect(cluster.get('mallory').proposals[0]?.outcome).toMatchObject({ ok: false, reason: 'NOT_A_MEMBER' })
    // A forwarded proposal from a non-member is refused by the leader.
    const p = { kind: 'data' as const, proposer: 'mallory', client: 'm', seq: 2, payload: utf8('x') }
    cluster.step(leader, {
      type: 'message',
      message: {
        type: 'forward',
        from: 'mallory',
        to: leader,
        term,
        requestId: 'm/2',
        proposal: { ...p, signature: fakeSigner('mallory').sign(signingBytes('test-thread', p)) },
      },
    })
    const reply = cluster.inflight.find((m) => m.type === 'forward-response' && m.to === 'mallory')
    expect(reply).toMatchObject({ outcome: { ok: false, reason: 'NOT_A_MEMBER' } })
    cluster.deliverAll()
    expect(cluster.texts(leader)).toEqual([])
  })

  it('a non-member cannot lead with a forged membership proof', () => {
    const { cluster, leader, follower } = setup()
    const term = cluster.get(leader).engine.status().term
    const addMallory = (proposer: string, signer: string): Entry => {
      const p = {
        kind: 'config' as const,
        proposer,
        client: 'x',
        seq: 1,
        payload: encodeConfigChange({ type: 'add-learner', member: 'mallory' }),
      }
      return chainEntry(
        'test-thread',
        { ...p, signature: fakeSigner(signer).sign(signingBytes('test-thread', p)) },
        9,
        term,
        new Uint8Array(),
      )
    }
    const before = cluster.get(follower).engine.status()
    // Signed by mallory herself (not a member), and "by the leader" with mallory's key.
    for (const proof of [[addMallory('mallory', 'mallory')], [addMallory(leader, 'mallory')]]) {
      const append: AppendMessage = {
        type: 'append',
        from: 'mallory',
        to: follower,
        term: term + 5,
        prevIndex: 0,
        prevTerm: 0,
        entries: [],
        commit: 99,
        round: 0,
        proof,
      }
      cluster.step(follower, { type: 'message', message: append })
    }
    expect(cluster.get(follower).engine.status()).toMatchObject({
      term: before.term,
      leader: before.leader,
      commit: before.commit,
    })
    expect(
      cluster.get(follower).events.filter((e) => e.detail === 'append from non-member mallory'),
    ).toHaveLength(2)
  })

  it('the leader refuses a forwarded proposal whose signature does not match its proposer', () => {
    const cluster = new Cluster(ids)
    const leader = cluster.electLeader()
    const follower = ids.find((id) => id !== leader) as string
    const p = { kind: 'data' as const, proposer: follower, client: 'c', seq: 1, payload: utf8('x') }
    const term = cluster.get(leader).engine.status().term
    cluster.step(leader, {
      type: 'message',
      message: {
        type: 'forward',
        from: follower,
        to: leader,
        term,
        requestId: 'c/1',
        proposal: { ...p, signature: fakeSigner('someone-else').sign(signingBytes('test-thread', p)) },
      },
    })
    const reply = cluster.inflight.find((m) => m.type === 'forward-response')
    expect(reply).toMatchObject({ outcome: { ok: false, reason: 'BAD_SIGNATURE' } })
  })
})

describe('Raft core: membership changes and snapshots', () => {
  it('adds a member as a learner, catches it up from a snapshot, then promotes it to voter', () => {
    const cluster = new Cluster([...ids, 'd'], { voters: ids })
    const leader = cluster.electLeader()
    for (let i = 1; i <= 10; i++) cluster.propose(leader, 'c1', i, `e${i}`)
    cluster.tick()
    // Compact the leader's log so the new member can only catch up from a snapshot.
    const applied = cluster.get(leader).engine.status().applied
    cluster.step(leader, {
      type: 'compact',
      index: applied,
      data: utf8(JSON.stringify(cluster.texts(leader))),
    })
    cluster.step(leader, {
      type: 'change-members',
      requestId: 'add-d',
      client: 'admin',
      seq: 1,
      change: { type: 'add', member: 'd' },
    })
    cluster.deliverAll()
    expect(cluster.get(leader).engine.status().learners).toEqual(['d'])
    cluster.tickUntil(() => cluster.get(leader).engine.status().voters.includes('d'), 100)
    const d = cluster.get('d')
    const restored = d.outputs.find((o) => o.restore != null)?.restore
    expect(restored?.meta.index).toBe(applied)
    expect(JSON.parse(new TextDecoder().decode(restored?.data))).toEqual(cluster.texts(leader).slice(0, 10))
    // d now takes part: with one of the original followers gone, d's vote completes a majority.
    cluster.propose(leader, 'c1', 11, 'after')
    cluster.tick()
    expect(cluster.get('d').engine.status().commit).toBe(cluster.get(leader).engine.status().commit)
  })

  it('removes a voter: the group keeps committing and ignores the removed member', () => {
    const cluster = new Cluster(['a', 'b', 'c', 'd'])
    const leader = cluster.electLeader()
    const removed = ['a', 'b', 'c', 'd'].find((id) => id !== leader) as string
    cluster.step(leader, {
      type: 'change-members',
      requestId: 'rm',
      client: 'admin',
      seq: 1,
      change: { type: 'remove', member: removed },
    })
    cluster.deliverAll()
    cluster.tick()
    expect(cluster.get(leader).engine.status().voters).not.toContain(removed)
    cluster.isolate(removed)
    cluster.propose(leader, 'c1', 1, 'without it')
    cluster.tick()
    expect(cluster.texts(leader)).toEqual(['without it'])
    // The removed member knows it is out, so it never campaigns (not even a pre-vote).
    expect(cluster.get(removed).engine.status().voters).not.toContain(removed)
    for (let i = 0; i < 60; i++) {
      cluster.tick([removed])
      expect(cluster.get(removed).engine.status().role).toBe('follower')
    }
  })

  it('a member holding an uncommitted removal of the new leader still follows it (and drops the removal)', () => {
    const five = ['a', 'b', 'c', 'd', 'e']
    const cluster = new Cluster(five)
    // Make a the leader: only a ticks until it wins.
    cluster.tickUntil(() => cluster.leader() === 'a', 100, ['a'])
    cluster.tick()
    const cutBetween = (xs: string[], ys: string[]) => {
      for (const x of xs) for (const y of ys) if (x !== y) cluster.cut.add(`${x}>${y}`).add(`${y}>${x}`)
    }
    // a removes e, but only b hears of it: b's membership now excludes e (uncommitted).
    cutBetween(['a', 'b'], ['c', 'd', 'e'])
    cluster.step('a', {
      type: 'change-members',
      requestId: 'rm-e',
      client: 'admin',
      seq: 1,
      change: { type: 'remove', member: 'e' },
    })
    cluster.deliverAll()
    expect(cluster.get('b').engine.status().voters).not.toContain('e')
    // a disappears; c, d and e lose their lease on a, then e wins an election among them.
    cutBetween(['a'], five)
    for (let i = 0; i < 10; i++) cluster.tick(['c', 'd'])
    cluster.tickUntil(() => cluster.get('e').engine.status().role === 'leader', 100, ['e'])
    cluster.heal()
    cutBetween(['a'], five)
    cluster.propose('e', 'c1', 1, 'after the election')
    cluster.tickUntil(() => cluster.texts('b').includes('after the election'), 50, ['b', 'c', 'd', 'e'])
    expect(cluster.get('b').engine.status()).toMatchObject({ leader: 'e', voters: five })
    expect(
      cluster
        .get('b')
        .events.map((x) => x.detail)
        .join('\n'),
    ).not.toMatch(/non-member e/)
  })

  it('a member whose log predates a new leader accepts it on proof of membership', () => {
    const cluster = new Cluster(['a', 'b', 'c', 'd'], { voters: ['a', 'b', 'c'] })
    cluster.tickUntil(() => cluster.leader() === 'a', 100, ['a'])
    cluster.tick()
    const cutOff = (x: string, others: string[]) => {
      for (const y of others) if (x !== y) cluster.cut.add(`${x}>${y}`).add(`${y}>${x}`)
    }
    const change = (seq: number, type: 'add' | 'remove', member: string) => {
      cluster.step('a', {
        type: 'change-members',
        requestId: `m${seq}`,
        client: 'admin',
        seq,
        change: { type, member },
      })
      cluster.deliverAll()
    }
    // c misses everything from here: d is added and promoted, then a removes itself and steps down.
    cutOff('c', ['a', 'b', 'd'])
    change(1, 'add', 'd')
    cluster.tickUntil(() => cluster.get('a').engine.status().voters.includes('d'), 100, ['a', 'b', 'd'])
    change(2, 'remove', 'a')
    cluster.tickUntil(() => cluster.get('a').engine.status().role !== 'leader', 100, ['a', 'b', 'd'])
    // d wins the next election (b is made to lose its lease first, without campaigning itself).
    cutOff('a', ['b', 'c', 'd'])
    cutOff('b', ['d'])
    for (let i = 0; i < 10; i++) cluster.tick(['b'])
    cluster.cut.delete('b>d')
    cluster.cut.delete('d>b')
    cluster.tickUntil(() => cluster.get('d').engine.status().role === 'leader', 100, ['d'])
    // c comes back knowing only a, b and c. d is not in its membership, but proves it is.
    expect(cluster.get('c').engine.status().voters).toEqual(['a', 'b', 'c'])
    for (const x of ['b', 'd']) {
      cluster.cut.delete(`c>${x}`)
      cluster.cut.delete(`${x}>c`)
    }
    cluster.propose('d', 'c1', 1, 'from the new leader')
    cluster.tickUntil(() => cluster.texts('c').includes('from the new leader'), 50, ['b', 'c', 'd'])
    expect(cluster.get('c').engine.status()).toMatchObject({ leader: 'd', voters: ['b', 'c', 'd'] })
  })

  it('refuses a second membership change while one is uncommitted', () => {
    const cluster = new Cluster([...ids, 'd', 'e'], { voters: ids })
    const leader = cluster.electLeader()
    cluster.tick()
    const change = (seq: number, member: string) =>
      cluster.step(leader, {
        type: 'change-members',
        requestId: `x${seq}`,
        client: 'admin',
        seq,
        change: { type: 'add', member },
      })
    change(1, 'd')
    const second = change(2, 'e')
    expect(second.proposals[0]?.outcome).toMatchObject({ ok: false, reason: 'CONFIG_CHANGE_PENDING' })
  })
})

describe('Raft core: the engine stays deterministic', () => {
  it('two runs with the same seed produce the same outputs', () => {
    const run = () => {
      const cluster = new Cluster(ids, { seed: 42 })
      const leader = cluster.electLeader()
      cluster.propose(leader, 'c', 1, 'x')
      cluster.tick()
      return JSON.stringify([...cluster.members.values()].map((m) => m.engine.status()))
    }
    expect(run()).toBe(run())
  })

  it('rejects options where heartbeats are not faster than elections', () => {
    expect(
      () =>
        new RaftNode({
          genesis: { groupId: 'g', voters: ['a'] },
          signer: fakeSigner('a'),
          verifier: { verify: () => true },
          random: () => 0,
          electionTicks: 2,
          heartbeatTicks: 2,
        }),
    ).toThrow(/heartbeatTicks/)
  })
})
