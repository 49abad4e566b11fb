import { beforeAll, describe, expect, it } from 'vitest'
import { types } from '../../clients/ts/index.ts'
import { canonical, signBroadcast } from '../../daemon/networks/records.ts'
import { NetworkGossip } from '../../daemon/wire/gen/moltmesh/wire/v1/networks.ts'
import type { DaemonProcess } from '../harness/daemon-process.ts'
import { reasonOf } from '../harness/errors.ts'
import { useMesh, waitFor } from '../harness/mesh.ts'
import { createRawGossipPeer } from '../harness/raw-gossip-peer.ts'

const MAX_PAYLOAD = 64 * 1024
const env = {
  MOLTMESH_PUBSUB_MAX_PAYLOAD_BYTES: String(MAX_PAYLOAD),
  MOLTMESH_NETWORKS_SYNC_INTERVAL_MS: '5000',
}

/** Collects a server stream into an array until stopped. */
function collect<T>(open: (signal: AbortSignal) => AsyncIterable<{ message?: T }>) {
  const items: T[] = []
  const abort = new AbortController()
  // A stream that fails is reported by stop(), never as an unhandled rejection (e.g. at teardown).
  let failure: unknown
  const done = (async () => {
    for await (const { message } of open(abort.signal)) if (message != null) items.push(message)
  })().catch((err: unknown) => {
    if (!abort.signal.aborted) failure = err
  })
  return {
    items,
    async stop() {
      abort.abort()
      await done
      if (failure != null) throw failure
    },
  }
}

const text = (m: types.BroadcastMessage) => Buffer.from(m.payload).toString('utf8')
const memberDids = async (d: DaemonProcess, networkId: string) =>
  (await d.client.ext.listNetworkMembers({ networkId })).members.map((m) => m.did).sort()
const hostileCount = async (d: DaemonProcess, reason: string) =>
  (await d.client.diag.getMetrics({})).metrics
    .filter(
      (m) =>
        m.name === 'moltmesh_hostile_input_total' &&
        m.labels.protocol === 'net' &&
        m.labels.reason === reason,
    )
    .reduce((n, m) => n + m.value, 0)

describe('pub/sub and networks', () => {
  const mesh = useMesh()
  let a: DaemonProcess
  let b: DaemonProcess
  let c: DaemonProcess
  let d: DaemonProcess
  let network = ''
  let invitationD: types.NetworkInvitation | undefined

  beforeAll(async () => {
    ;[a, b, c, d] = (await mesh.spawnMany(4, { env })) as [
      DaemonProcess,
      DaemonProcess,
      DaemonProcess,
      DaemonProcess,
    ]
    await mesh.connectAll()
  })

  it('fans a topic out to every subscriber and to nobody else; the last subscriber leaving leaves the topic', async () => {
    const topic = 'fanout/alerts'
    const watchD = collect((signal) =>
      (async function* () {
        for await (const { event } of d.client.ext.watchEvents({ types: ['topic.*'] }, { signal }))
          yield { message: event }
      })(),
    )
    const watchB = collect((signal) =>
      (async function* () {
        for await (const { event } of b.client.ext.watchEvents({ types: ['topic.message'] }, { signal }))
          yield { message: event }
      })(),
    )
    const subs = [a, b, c].map((x) => collect((signal) => x.client.ext.subscribeTopic({ topic }, { signal })))
    // Every subscriber knows the other two are on the topic.
    for (const x of [a, b, c])
      await waitFor(
        async () =>
          (await x.client.ext.listTopics({})).topics.find((t) => t.topic === topic)?.peerCount === 2,
        10_000,
        `${x.name} sees the other subscribers`,
      )
    expect((await a.client.ext.listTopics({})).topics).toEqual([{ topic, peerCount: 2, localSubscribers: 1 }])

    const fromA = await a.client.ext.publish({ topic, payload: Buffer.from('disk usage >90% on node-7') })
    expect(fromA.id).toMatch(/^pub_/)
    expect(fromA.recipients).toBe(2)
    const fromD = await d.client.ext.publish({ topic, payload: Buffer.from('from a non-subscriber') })
    expect(fromD.recipients).toBeGreaterThan(0)
    for (const s of subs) await waitFor(() => s.items.length === 2, 10_000, 'both messages')
    for (const s of subs) {
      const byId = new Map(s.items.map((m) => [m.id, m]))
      expect(byId.get(fromA.id)).toMatchObject({ topic, from: a.did, cursor: '' })
      expect(text(byId.get(fromA.id)!)).toBe('disk usage >90% on node-7')
      expect(byId.get(fromD.id)).toMatchObject({ topic, from: d.did })
      expect(byId.get(fromD.id)!.sentAtMs).toBeGreaterThan(Date.now() - 60_000)
    }
    await waitFor(() => watchB.items.length === 2, 10_000, 'topic.message events at B')
    expect(watchB.items[0]).toMatchObject({ type: 'topic.message' })
    expect(watchB.items.map((e) => e.broadcast?.id).sort()).toEqual([fromA.id, fromD.id].sort())

    // B stops listening: it leaves the topic, and the others notice.
    await subs[1]!.stop()
    await waitFor(async () => (await b.client.ext.listTopics({})).topics.length === 0, 5_000, 'B left')
    await waitFor(
      async () => (await a.client.ext.listTopics({})).topics[0]?.peerCount === 1,
      10_000,
      'A sees B gone',
    )
    const late = await c.client.ext.publish({ topic, payload: Buffer.from('after B left') })
    await waitFor(() => subs[0]!.items.some((m) => m.id === late.id), 10_000, 'A gets it')
    // A closing message from C on a topic B does listen to: C sends to each peer in order on one
    // stream, so had C sent 'late' to B it would have reached B first.
    const closingTopic = 'fanout/closing'
    const closing = collect((signal) => b.client.ext.subscribeTopic({ topic: closingTopic }, { signal }))
    const closer = await waitFor(
      async () => {
        const sent = await c.client.ext.publish({ topic: closingTopic, payload: Buffer.from('closing') })
        return sent.recipients > 0 ? sent : undefined
      },
      10_000,
      'C to know B is on the closing topic',
    )
    await waitFor(() => closing.items.some((m) => m.id === closer.id), 10_000, 'B gets the closing message')
    await closing.stop()
    expect(watchB.items.filter((e) => e.broadcast?.topic === topic)).toHaveLength(2)
    // D never subscribed: it saw no topic message at all.
    expect(watchD.items).toEqual([])
    for (const s of [subs[0]!, subs[2]!, watchB, watchD]) await s.stop()
  })

  it('creates a network, delivers invitations, and a broadcast reaches every member', async () => {
    const created = await a.client.ext.createNetwork({ name: 'research-team', description: 'datasets' })
    const net = created.network!
    network = net.id
    expect(net).toMatchObject({
      name: 'research-team',
      policy: types.NetworkPolicy.NETWORK_POLICY_INVITE_ONLY,
      creator: a.did,
      memberCount: 1,
      joined: true,
      admin: true,
    })
    expect(net.id).toMatch(/^net_[a-z2-7]{52}$/)
    const eventsA = collect((signal) =>
      (async function* () {
        for await (const { event } of a.client.ext.watchEvents({ types: ['network.*'] }, { signal }))
          yield { message: event }
      })(),
    )

    const toB = await a.client.ext.inviteToNetwork({ networkId: network, did: b.did })
    expect(toB.messageId).toMatch(/^nfr_/)
    expect(toB.invitation).toMatchObject({ networkId: network, invitee: b.did, inviter: a.did })
    // B uses the invitation it received by message; D one given to it directly.
    await waitFor(
      async () => (await b.client.ext.listInvitations({})).invitations.length === 1,
      10_000,
      'invitation',
    )
    expect((await b.client.ext.listInvitations({})).invitations[0]).toMatchObject({
      networkId: network,
      networkName: 'research-team',
      inviter: a.did,
    })
    const joinedB = await b.client.ext.joinNetwork({ networkId: network })
    expect(joinedB.network).toMatchObject({ joined: true, admin: false, memberCount: 2 })
    expect((await b.client.ext.listInvitations({})).invitations).toEqual([])
    const toD = await a.client.ext.inviteToNetwork({ networkId: network, did: d.did })
    invitationD = toD.invitation
    await d.client.ext.joinNetwork({ networkId: network, invitation: invitationD })
    // Invitations are not messages: they stay out of the inbox and the outbox listing.
    expect((await b.client.a2a.getInbox({})).messages).toEqual([])
    expect((await a.client.a2a.getOutbox({})).messages).toEqual([])

    const expected = [a.did, b.did, d.did].sort()
    for (const x of [a, b, d])
      await waitFor(
        async () => JSON.stringify(await memberDids(x, network)) === JSON.stringify(expected),
        10_000,
        `${x.name} has the member list`,
      )
    const roles = (await b.client.ext.listNetworkMembers({ networkId: network })).members
    expect(roles.find((m) => m.did === a.did)?.role).toBe('admin')
    expect(roles.find((m) => m.did === d.did)?.role).toBe('member')
    await waitFor(
      () => eventsA.items.filter((e) => e.type === 'network.member_joined').length === 2,
      10_000,
      'member_joined events',
    )
    expect(eventsA.items.find((e) => e.member?.did === d.did)).toMatchObject({ networkId: network })

    // From cursor 0 (no broadcast yet): one sent before a stream is live is replayed, not missed.
    const streams = [a, b, d].map((x) =>
      collect((signal) =>
        x.client.ext.subscribeNetwork({ networkId: network, afterCursor: '0' }, { signal }),
      ),
    )
    const sent = await b.client.ext.broadcastNetwork({
      networkId: network,
      payload: Buffer.from('new dataset'),
    })
    expect(sent.id).toMatch(/^bcm_/)
    expect(sent.recipients).toBeGreaterThan(0)
    for (const s of streams) await waitFor(() => s.items.length === 1, 10_000, 'the broadcast')
    for (const s of streams) {
      expect(s.items[0]).toMatchObject({ id: sent.id, topic: network, from: b.did })
      expect(text(s.items[0]!)).toBe('new dataset')
    }
    await waitFor(() => eventsA.items.some((e) => e.type === 'network.broadcast'), 10_000, 'broadcast event')
    expect(eventsA.items.find((e) => e.type === 'network.broadcast')).toMatchObject({
      networkId: network,
      broadcast: { id: sent.id, from: b.did },
    })
    // C is not a member: it has nothing of this network.
    expect(await reasonOf(c.client.ext.listNetworkMembers({ networkId: network }))).toBe(
      'NOT_FOUND:NETWORK_NOT_FOUND',
    )
    for (const s of [...streams, eventsA]) await s.stop()
  })

  it('a member offline during a join and during broadcasts converges and fetches them after restart', async () => {
    const before = collect((signal) =>
      d.client.ext.subscribeNetwork({ networkId: network, afterCursor: '0' }, { signal }),
    )
    await waitFor(() => before.items.length === 1, 10_000, 'D has the first broadcast')
    await before.stop()
    await d.stop()

    const toC = await a.client.ext.inviteToNetwork({ networkId: network, did: c.did })
    await waitFor(
      async () => (await c.client.ext.listInvitations({})).invitations.length === 1,
      10_000,
      'invitation',
    )
    await c.client.ext.joinNetwork({ networkId: network })
    expect(toC.invitation?.invitee).toBe(c.did)
    const missed = [
      await b.client.ext.broadcastNetwork({ networkId: network, payload: Buffer.from('while D was away 1') }),
      await c.client.ext.broadcastNetwork({ networkId: network, payload: Buffer.from('while D was away 2') }),
    ]
    // Both reached every online member before D returns, so whichever D syncs with first serves both
    // (in send order). C's gossip mesh is new, so B's broadcast can reach it only by anti-entropy;
    // broadcasts a later sync brings are stored after the ones already held (arrival order).
    for (const x of [a, b, c]) {
      const held = collect((signal) =>
        x.client.ext.subscribeNetwork({ networkId: network, afterCursor: '0' }, { signal }),
      )
      await waitFor(
        () => missed.every((m) => held.items.some((h) => h.id === m.id)),
        20_000,
        `${x.name} holds both missed broadcasts`,
      )
      await held.stop()
    }

    await d.start()
    const all = [a.did, b.did, c.did, d.did].sort()
    for (const x of [a, b, c, d])
      await waitFor(
        async () => JSON.stringify(await memberDids(x, network)) === JSON.stringify(all),
        20_000,
        `${x.name} converged`,
      )
    // Replay from the start: the broadcast from before the restart (persisted) and the missed ones.
    const replay = collect((signal) =>
      d.client.ext.subscribeNetwork({ networkId: network, afterCursor: '0' }, { signal }),
    )
    await waitFor(() => replay.items.length >= 3, 20_000, 'D fetched the missed broadcasts')
    // Cursors resume: after the first one, exactly the rest.
    const resumed = collect((signal) =>
      d.client.ext.subscribeNetwork({ networkId: network, afterCursor: replay.items[0]!.cursor }, { signal }),
    )
    await waitFor(() => resumed.items.length === 2, 10_000, 'resume')
    // A live broadcast closes both streams: each is in order, so a duplicate would come before it.
    const live = await a.client.ext.broadcastNetwork({
      networkId: network,
      payload: Buffer.from('live again'),
    })
    await waitFor(() => resumed.items.some((m) => m.id === live.id), 10_000, 'live after resume')
    await waitFor(() => replay.items.some((m) => m.id === live.id), 10_000, 'live after replay')
    await Promise.all([replay.stop(), resumed.stop()])
    expect(replay.items.map(text)).toEqual([
      'new dataset',
      'while D was away 1',
      'while D was away 2',
      'live again',
    ])
    expect(replay.items.slice(1, 3).map((m) => m.id)).toEqual(missed.map((m) => m.id))
    expect(resumed.items.map((m) => m.id)).toEqual([...missed.map((m) => m.id), live.id])
    const listed = (await d.client.ext.listNetworks({})).networks
    expect(listed).toEqual([
      expect.objectContaining({ id: network, memberCount: 4, joined: true, admin: false }),
    ])
  })

  it('removal replicates; removed members and strangers cannot inject broadcasts', async () => {
    const streamB = collect((signal) => b.client.ext.subscribeNetwork({ networkId: network }, { signal }))
    await a.client.ext.removeMember({ networkId: network, did: d.did })
    const rest = [a.did, b.did, c.did].sort()
    for (const x of [a, b, c, d])
      await waitFor(
        async () => JSON.stringify(await memberDids(x, network)) === JSON.stringify(rest),
        10_000,
        `${x.name} saw the removal`,
      )
    expect((await d.client.ext.listNetworks({})).networks[0]).toMatchObject({ joined: false, memberCount: 3 })
    expect(
      await reasonOf(d.client.ext.broadcastNetwork({ networkId: network, payload: Buffer.from('x') })),
    ).toBe('FAILED_PRECONDITION:NOT_A_MEMBER')
    // Its old invitation no longer admits D: the removal came after it was issued.
    expect(await reasonOf(d.client.ext.joinNetwork({ networkId: network }))).toMatch(
      /^FAILED_PRECONDITION:INVITATION_(REQUIRED|INVALID)$/,
    )
    expect(await reasonOf(d.client.ext.joinNetwork({ networkId: network, invitation: invitationD }))).toBe(
      'FAILED_PRECONDITION:INVITATION_INVALID',
    )

    // A stranger on the network's topic: its broadcasts are signed, but it is no member.
    const stranger = await createRawGossipPeer()
    try {
      const topic = `/moltmesh/net/1/${network}`
      await stranger.join(b.info!.tcpAddress, topic)
      const beforeNotMember = await hostileCount(b, 'NOT_A_MEMBER')
      const beforeMismatch = await hostileCount(b, 'SENDER_MISMATCH')
      const own = await signBroadcast(stranger.identity, {
        id: 'bcm_stranger',
        networkId: network,
        sentAtMs: Date.now(),
        payload: Buffer.from('let me in'),
      })
      await stranger.publish(topic, NetworkGossip.encode({ broadcast: own }).finish())
      // Claiming to be a member does not help: the envelope must be signed by the GossipSub author.
      const claimed = { ...own, id: 'bcm_claimed', from: a.did }
      await stranger.publish(topic, NetworkGossip.encode({ broadcast: claimed }).finish())
      // Nor does a membership operation the stranger signs for itself.
      const join = canonical({
        v: 1,
        type: 'moltmesh.netop',
        network,
        op: 'join',
        member: stranger.identity.did,
      })
      await stranger.publish(topic, NetworkGossip.encode({ op: join }).finish())
      await waitFor(
        async () => (await hostileCount(b, 'NOT_A_MEMBER')) > beforeNotMember,
        10_000,
        'NOT_A_MEMBER counted',
      )
      await waitFor(
        async () => (await hostileCount(b, 'SENDER_MISMATCH')) > beforeMismatch,
        10_000,
        'mismatch counted',
      )
      await waitFor(async () => (await hostileCount(b, 'RECORD_MALFORMED')) > 0, 10_000, 'forged op counted')
    } finally {
      await stranger.stop()
    }
    const legit = await c.client.ext.broadcastNetwork({
      networkId: network,
      payload: Buffer.from('members only'),
    })
    await waitFor(() => streamB.items.some((m) => m.id === legit.id), 10_000, 'a member still gets through')
    // A second one closes the check: the stream is in order, so anything injected came before it.
    const closing = await c.client.ext.broadcastNetwork({
      networkId: network,
      payload: Buffer.from('and again'),
    })
    await waitFor(() => streamB.items.some((m) => m.id === closing.id), 10_000, 'the closing broadcast')
    await streamB.stop()
    expect(streamB.items.map((m) => m.id)).toEqual([legit.id, closing.id])
    expect(await memberDids(b, network)).toEqual(rest)
  })

  it('open networks need no invitation; leaving replicates', async () => {
    const open = (
      await b.client.ext.createNetwork({ name: 'open-lab', policy: types.NetworkPolicy.NETWORK_POLICY_OPEN })
    ).network!
    expect(open.policy).toBe(types.NetworkPolicy.NETWORK_POLICY_OPEN)
    // C knows only the id; it finds the network through a member.
    const joined = await c.client.ext.joinNetwork({ networkId: open.id })
    expect(joined.network).toMatchObject({ name: 'open-lab', creator: b.did, joined: true })
    await d.client.ext.joinNetwork({ networkId: open.id })
    const three = [b.did, c.did, d.did].sort()
    for (const x of [b, c, d])
      await waitFor(
        async () => JSON.stringify(await memberDids(x, open.id)) === JSON.stringify(three),
        10_000,
        `${x.name} has the open member list`,
      )
    await c.client.ext.leaveNetwork({ networkId: open.id })
    for (const x of [b, c, d])
      await waitFor(
        async () => JSON.stringify(await memberDids(x, open.id)) === JSON.stringify([b.did, d.did].sort()),
        10_000,
        `${x.name} saw C leave`,
      )
    expect(await reasonOf(b.client.ext.leaveNetwork({ networkId: open.id }))).toBe(
      'FAILED_PRECONDITION:ADMIN_CANNOT_LEAVE',
    )
  })

  it('works from the CLI', async () => {
    const created = await c.cli(
      'network',
      'create',
      'cli-crew',
      '--description',
      'from the shell',
      '--open',
      '--json',
    )
    expect(created.code, created.stderr).toBe(0)
    const id = created.json<{ network: { id: string; policy: string } }>().network.id
    expect(created.json<{ network: { policy: string } }>().network.policy).toBe('NETWORK_POLICY_OPEN')
    const joined = await a.cli('network', 'join', id)
    expect(joined.code, joined.stderr).toBe(0)
    expect(joined.stdout).toMatch(/^Joined\s+net_/m)
    await waitFor(async () => (await memberDids(c, id)).length === 2, 10_000, 'A joined')
    const sub = collect((signal) =>
      c.client.ext.subscribeNetwork({ networkId: id, afterCursor: '0' }, { signal }),
    )
    const sent = await a.cli('network', 'broadcast', id, 'hello from the CLI')
    expect(sent.code, sent.stderr).toBe(0)
    expect(sent.stdout).toContain('Delivered 1 member via GossipSub')
    await waitFor(() => sub.items.length === 1, 10_000, 'the CLI broadcast')
    await sub.stop()
    expect(text(sub.items[0]!)).toBe('hello from the CLI')
    const members = await c.cli('network', 'members', id)
    expect(members.stdout).toContain('2 members')
    expect(members.stdout).toContain(`${a.did}  member`)
    const list = await a.cli('network', 'list')
    expect(list.stdout).toMatch(new RegExp(`^${id}  cli-crew  2 members$`, 'm'))
    const published = await a.cli('publish', '--topic', 'cli/news', '--payload', 'hi there', '--json')
    expect(published.code, published.stderr).toBe(0)
    expect(published.json<{ id: string; recipients: number }>()).toMatchObject({ recipients: 0 })
    const bad = await a.cli('publish', '--topic', '/moltmesh/secret', '--payload', 'x')
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain('[TOPIC_RESERVED]')
  })

  it('refuses bad input with reason codes', async () => {
    const pub = (topic: string, size = 1) => a.client.ext.publish({ topic, payload: Buffer.alloc(size, 1) })
    expect(await reasonOf(pub(''))).toBe('INVALID_ARGUMENT:INVALID_TOPIC')
    expect(await reasonOf(pub('has space'))).toBe('INVALID_ARGUMENT:INVALID_TOPIC')
    expect(await reasonOf(pub('x'.repeat(257)))).toBe('INVALID_ARGUMENT:INVALID_TOPIC')
    expect(await reasonOf(pub(`/moltmesh/net/1/${network}`))).toBe('INVALID_ARGUMENT:TOPIC_RESERVED')
    expect(await reasonOf(pub('ok/topic', MAX_PAYLOAD + 1))).toBe('INVALID_ARGUMENT:PAYLOAD_TOO_LARGE')
    expect(
      await reasonOf(
        (async () => {
          for await (const _ of a.client.ext.subscribeTopic({ topic: '/moltmesh/x' })) break
        })(),
      ),
    ).toBe('INVALID_ARGUMENT:TOPIC_RESERVED')

    const unknown = `net_${'a'.repeat(52)}`
    expect(await reasonOf(a.client.ext.listNetworkMembers({ networkId: 'nope' }))).toBe(
      'INVALID_ARGUMENT:INVALID_NETWORK_ID',
    )
    expect(await reasonOf(a.client.ext.listNetworkMembers({ networkId: unknown }))).toBe(
      'NOT_FOUND:NETWORK_NOT_FOUND',
    )
    expect(await reasonOf(a.client.ext.createNetwork({ name: ' ' }))).toBe(
      'INVALID_ARGUMENT:INVALID_ARGUMENT',
    )
    expect(await reasonOf(b.client.ext.inviteToNetwork({ networkId: network, did: d.did }))).toBe(
      'PERMISSION_DENIED:NOT_ADMIN',
    )
    expect(await reasonOf(a.client.ext.inviteToNetwork({ networkId: network, did: b.did }))).toBe(
      'FAILED_PRECONDITION:ALREADY_MEMBER',
    )
    expect(await reasonOf(a.client.ext.inviteToNetwork({ networkId: network, did: a.did }))).toBe(
      'INVALID_ARGUMENT:SELF_TARGET',
    )
    expect(await reasonOf(a.client.ext.removeMember({ networkId: network, did: d.did }))).toBe(
      'FAILED_PRECONDITION:NOT_A_MEMBER',
    )
    expect(await reasonOf(a.client.ext.leaveNetwork({ networkId: network }))).toBe(
      'FAILED_PRECONDITION:ADMIN_CANNOT_LEAVE',
    )
    expect(
      await reasonOf(
        a.client.ext.broadcastNetwork({ networkId: network, payload: Buffer.alloc(MAX_PAYLOAD + 1) }),
      ),
    ).toBe('INVALID_ARGUMENT:PAYLOAD_TOO_LARGE')
    // A new invitation after the removal admits D again, but not with a forged expiry.
    const fresh = (await a.client.ext.inviteToNetwork({ networkId: network, did: d.did })).invitation!
    const forged = { ...fresh, expiresAtMs: fresh.expiresAtMs + 1 }
    expect(await reasonOf(d.client.ext.joinNetwork({ networkId: network, invitation: forged }))).toBe(
      'FAILED_PRECONDITION:INVITATION_INVALID',
    )
    const back = await d.client.ext.joinNetwork({ networkId: network, invitation: fresh })
    expect(back.network).toMatchObject({ joined: true, memberCount: 4 })
  })
})
