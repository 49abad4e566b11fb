// Component test of the Raft stack below the daemon: three members in this process on real libp2p
// hosts over 127.0.0.1, real LevelDB directories, Ed25519-signed entries. They elect a leader,
// replicate appends made through every member, survive the leader stopping, and a member restarted
// from its LevelDB catches up. Hostile frames on /moltmesh/raft/1.0.0 are refused and counted.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ed25519DidVerifier } from '../../daemon/raft/entry-auth.ts'
import type { Genesis, RaftMessage } from '../../daemon/raft/types.ts'
import { verifyLog } from '../../daemon/raft/verify-log.ts'
import { encodeRaftFrame, RAFT_PROTOCOL } from '../../daemon/wire/raft-codec.ts'
import { waitFor } from '../harness/mesh.ts'
import { createRawPeer, type RawPeer } from '../harness/raw-peer.ts'
import { agreedLeader, dataTexts, introduce, LiveMember } from './libp2p-members.ts'

const TICK_MS = 25
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s)
const utf8text = (b: Uint8Array): string => new TextDecoder().decode(b)

describe('Raft over libp2p with LevelDB storage', () => {
  let members: LiveMember[] = []
  let genesis: Genesis

  beforeAll(async () => {
    members = await Promise.all([0, 1, 2].map(() => LiveMember.create()))
    genesis = { groupId: 'thread-live-1', voters: members.map((m) => m.did) }
    // Member 0 checks entry signatures in a worker thread (verify-pool.ts), the others inline.
    for (const [i, m] of members.entries()) await m.start(genesis, TICK_MS, { verifyPool: i === 0 })
    await introduce(members)
  })

  afterAll(async () => {
    for (const m of members) await m.destroy()
  })

  const byDid = (did: string): LiveMember => members.find((m) => m.did === did) as LiveMember
  const up = (): LiveMember[] => members.filter((m) => m.running != null)

  it('elects a leader and replicates appends made through every member, in one order', async () => {
    const leader = await waitFor(() => agreedLeader(members), 20_000, 'a leader all members agree on')
    // Appends through each member (followers forward to the leader), concurrently.
    const notYetApplied: string[] = []
    const outcomes = await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const m = members[i % 3] as LiveMember
        const seq = Math.floor(i / 3) + 1
        const o = await m.group.append({
          requester: m.did,
          client: 'c',
          seq,
          payload: utf8(`a${i}`),
          timeoutMs: 15_000,
        })
        // Acknowledged means committed here: the member has already applied it, at that index.
        const e = o.ok ? m.applied.find((x) => x.index === o.index) : undefined
        if (e?.client !== `${m.did}/c` || e.seq !== seq) notYetApplied.push(`a${i}`)
        return o
      }),
    )
    expect(notYetApplied).toEqual([])
    for (const o of outcomes) expect(o.ok, JSON.stringify(o)).toBe(true)
    const indexes = outcomes.map((o) => (o.ok ? o.index : -1))
    expect(new Set(indexes).size).toBe(30)
    const last = Math.max(...indexes)
    await waitFor(() => members.every((m) => m.group.applied() >= last), 15_000, 'every member applied all')
    const reference = members[0]?.applied.map((e) => Buffer.from(e.hash).toString('hex'))
    for (const m of members) {
      expect(m.applied.map((e) => Buffer.from(e.hash).toString('hex'))).toEqual(reference)
      expect(dataTexts(m).sort()).toEqual(Array.from({ length: 30 }, (_, i) => `a${i}`).sort())
      // Every copy verifies offline: signatures by real Ed25519 keys, membership, the hash chain.
      expect(verifyLog(genesis, m.applied, ed25519DidVerifier())).toMatchObject({ ok: true })
    }
    // Client ids carry the requester's DID.
    const first = members[0]?.applied.find((e) => e.kind === 'data')
    expect(first?.client.startsWith('did:key:')).toBe(true)
    // A read through a follower waits for everything acknowledged before it.
    const follower = members.find((m) => m.did !== leader) as LiveMember
    expect(await follower.group.readIndex(10_000)).toBeGreaterThanOrEqual(last)
    // A retry of an acknowledged append (same requester, client, seq) returns the first index.
    const retry = await follower.group.append({
      requester: (members[0] as LiveMember).did,
      client: 'c',
      seq: 1,
      payload: utf8('a0'),
      timeoutMs: 15_000,
    })
    expect(retry).toMatchObject({ ok: true, duplicate: true, index: indexes[0] })
  }, 60_000)

  it('elects a new leader when the leader stops, and a member restarted from its LevelDB catches up', async () => {
    const oldLeader = byDid(await waitFor(() => agreedLeader(members), 20_000, 'a leader'))
    const oldTerm = oldLeader.group.status().term
    const { lastIndex: lastBeforeStop, commit: commitBeforeStop } = oldLeader.group.status()
    await oldLeader.stop()
    const newLeader = await waitFor(() => agreedLeader(up()), 20_000, 'a new leader among the other two')
    expect(newLeader).not.toBe(oldLeader.did)
    expect(byDid(newLeader).group.status().term).toBeGreaterThan(oldTerm)
    const survivor = up()[0] as LiveMember
    const more = await Promise.all(
      [1, 2, 3, 4, 5].map((seq) =>
        survivor.group.append({
          requester: survivor.did,
          client: 'after',
          seq,
          payload: utf8(`b${seq}`),
          timeoutMs: 15_000,
        }),
      ),
    )
    for (const o of more) expect(o.ok, JSON.stringify(o)).toBe(true)

    // Restart from the same directory and key (a new port): the log is read back from LevelDB, the
    // committed prefix is replayed to the application, and the rest arrives from the new leader.
    await oldLeader.start(genesis, TICK_MS, { verifyPool: oldLeader === members[0] })
    // Before it can hear from anyone, its log and vote came back from disk.
    expect(oldLeader.group.status().lastIndex).toBeGreaterThanOrEqual(lastBeforeStop)
    expect(oldLeader.group.status().term).toBeGreaterThanOrEqual(oldTerm)
    await waitFor(
      () => oldLeader.group.applied() >= commitBeforeStop,
      10_000,
      'the committed prefix replayed',
    )
    await introduce(members)
    const last = Math.max(...more.map((o) => (o.ok ? o.index : 0)))
    await waitFor(() => oldLeader.group.applied() >= last, 20_000, 'the restarted member to catch up')
    const reference = byDid(newLeader)
      .applied.slice(0, last)
      .map((e) => Buffer.from(e.hash).toString('hex'))
    expect(oldLeader.applied.slice(0, last).map((e) => Buffer.from(e.hash).toString('hex'))).toEqual(
      reference,
    )
    expect(dataTexts(oldLeader)).toEqual(expect.arrayContaining(['a0', 'a29', 'b1', 'b5']))
    expect(oldLeader.group.status().term).toBeGreaterThan(oldTerm)
  }, 90_000)

  it('a leader cut off from the others commits nothing; after healing its append is gone and a retry commits once', async () => {
    const leader = byDid(await waitFor(() => agreedLeader(members), 20_000, 'a leader'))
    const others = members.filter((m) => m !== leader)
    // Partition: close every connection between the leader and the others and forget their addresses,
    // so neither side can dial the other again until `introduce`.
    for (const o of others) {
      const l = leader.running?.host
      const h = o.running?.host
      if (l == null || h == null) throw new Error('members must be running')
      await l.peerStore.delete(h.peerId)
      await h.peerStore.delete(l.peerId)
      await l.hangUp(h.peerId)
      await h.hangUp(l.peerId)
    }
    const request = { requester: leader.did, client: 'partitioned', seq: 1, payload: utf8('minority') }
    await expect(leader.group.append({ ...request, timeoutMs: 1_500 })).rejects.toMatchObject({
      reason: 'TIMEOUT',
    })
    expect(leader.applied.some((e) => utf8text(e.payload) === 'minority')).toBe(false)

    const newLeader = await waitFor(() => agreedLeader(others), 20_000, 'a leader on the majority side')
    expect(newLeader).not.toBe(leader.did)
    const majority = others[0] as LiveMember
    const ok = await majority.group.append({
      requester: majority.did,
      client: 'majority',
      seq: 1,
      payload: utf8('majority'),
      timeoutMs: 15_000,
    })
    expect(ok.ok).toBe(true)

    await introduce(members)
    const last = ok.ok ? ok.index : 0
    await waitFor(() => leader.group.applied() >= last, 20_000, 'the old leader to catch up after healing')
    const hashes = (m: LiveMember) => m.applied.slice(0, last).map((e) => Buffer.from(e.hash).toString('hex'))
    expect(hashes(leader)).toEqual(hashes(majority))
    // The minority's append never committed anywhere; a retry with the same client and seq commits it
    // exactly once.
    for (const m of members) expect(m.applied.some((e) => utf8text(e.payload) === 'minority')).toBe(false)
    const retry = await majority.group.append({ ...request, timeoutMs: 15_000 })
    expect(retry.ok).toBe(true)
    const again = await leader.group.append({ ...request, timeoutMs: 15_000 })
    expect(again).toMatchObject({ ok: true, duplicate: true, index: retry.ok ? retry.index : -1 })
    await waitFor(
      () => members.every((m) => m.group.applied() >= (retry.ok ? retry.index : 0)),
      15_000,
      'all applied',
    )
    for (const m of members)
      expect(m.applied.filter((e) => utf8text(e.payload) === 'minority')).toHaveLength(1)
  }, 90_000)

  describe('hostile input on /moltmesh/raft/1.0.0', () => {
    let raw: RawPeer
    beforeAll(async () => {
      raw = await createRawPeer()
    })
    afterAll(async () => {
      await raw.stop()
    })

    const target = (m: LiveMember): string => String(m.running?.host.getMultiaddrs()[0])
    const vote = (to: string, term: number): RaftMessage => ({
      from: 'ignored',
      to,
      term,
      type: 'vote',
      pre: false,
      lastIndex: 1_000_000,
      lastTerm: term,
    })

    it('refuses oversized and garbage frames (closing the stream), and counts them', async () => {
      const victim = up()[0] as LiveMember
      const big = await raw.open(target(victim), RAFT_PROTOCOL)
      await big.write(new Uint8Array(4 * 1024 * 1024 + 1))
      expect(await big.closed()).toBe(true)
      await waitFor(() => victim.hostile('FRAME_TOO_LARGE') === 1, 10_000, 'FRAME_TOO_LARGE counted')

      const garbage = await raw.open(target(victim), RAFT_PROTOCOL)
      await garbage.write(new Uint8Array([0xff, 0xff, 0xff, 0x01, 0x02, 0x03]))
      expect(await garbage.closed()).toBe(true)
      await waitFor(() => victim.hostile('MALFORMED_FRAME') === 1, 10_000, 'MALFORMED_FRAME counted')
    })

    it('drops frames for another member, an unknown group or from a non-member, without changing state', async () => {
      const victim = up()[0] as LiveMember
      const other = up()[1] as LiveMember
      const before = victim.group.status()
      const s = await raw.open(target(victim), RAFT_PROTOCOL)
      // Addressed to another member, on a stream to the victim.
      await s.write(encodeRaftFrame(genesis.groupId, vote(other.did, before.term + 100)))
      // A group the victim does not have.
      await s.write(encodeRaftFrame('no-such-thread', vote(victim.did, before.term + 100)))
      // From a peer that is not a member (the frame cannot claim a sender: it comes from the connection).
      await s.write(encodeRaftFrame(genesis.groupId, vote(victim.did, before.term + 100)))
      await waitFor(() => victim.hostile('WRONG_RECIPIENT') === 1, 10_000, 'WRONG_RECIPIENT counted')
      await waitFor(() => victim.hostile('UNKNOWN_GROUP') === 1, 10_000, 'UNKNOWN_GROUP counted')
      await waitFor(() => victim.hostile('NOT_A_MEMBER') >= 1, 10_000, 'NOT_A_MEMBER counted')
      // The huge term in those votes moved nobody.
      for (const m of up()) expect(m.group.status().term).toBeLessThan(before.term + 100)
      // And the group still commits.
      const o = await victim.group.append({
        requester: victim.did,
        client: 'after-hostile',
        seq: 1,
        payload: utf8('still alive'),
        timeoutMs: 15_000,
      })
      expect(o.ok).toBe(true)
    })
  })
})
