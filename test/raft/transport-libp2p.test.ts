// The /moltmesh/raft/1.0.0 transport on its own: two real libp2p hosts on 127.0.0.1. Messages arrive
// with `from` set to the sending host's DID whatever the sender wrote, per-peer rate limits drop (and
// count) a flood without closing the stream, and sending to an unreachable member drops and counts
// instead of throwing or buffering.

import { generateKeyPair } from '@libp2p/crypto/keys'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { didFromPeerId } from '../../daemon/identity/did.ts'
import { silentLogger } from '../../daemon/log/logger.ts'
import { createMetrics, type Metrics } from '../../daemon/metrics/metrics.ts'
import { ed25519Signer } from '../../daemon/raft/entry-auth.ts'
import { createRaftTransport, type RaftTransport } from '../../daemon/raft/transport-libp2p.ts'
import type { RaftMessage } from '../../daemon/raft/types.ts'
import { encodeRaftFrame, RAFT_PROTOCOL } from '../../daemon/wire/raft-codec.ts'
import { waitFor } from '../harness/mesh.ts'
import { createRawPeer, type RawPeer } from '../harness/raw-peer.ts'

const count = (metrics: Metrics, name: string, labels: Record<string, string>): number =>
  metrics
    .collect()
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0)

describe('raft libp2p transport', () => {
  let a: RawPeer
  let b: RawPeer
  let ta: RaftTransport
  let tb: RaftTransport
  let mb: Metrics
  let ma: Metrics
  const received: RaftMessage[] = []

  beforeAll(async () => {
    a = await createRawPeer()
    b = await createRawPeer()
    ma = createMetrics()
    mb = createMetrics()
    ta = createRaftTransport({ did: a.identity.did, host: a.node, logger: silentLogger(), metrics: ma })
    // B allows 20 frames at once and 10 a second from each peer.
    tb = createRaftTransport({
      did: b.identity.did,
      host: b.node,
      logger: silentLogger(),
      metrics: mb,
      ratePerSecond: 10,
      burst: 20,
    })
    await ta.start()
    await tb.start()
    tb.register('g', (m) => received.push(m))
    await a.node.peerStore.patch(b.node.peerId, { multiaddrs: b.node.getMultiaddrs() })
  })

  afterAll(async () => {
    await ta.stop()
    await tb.stop()
    await a.stop()
    await b.stop()
  })

  it("delivers with `from` set to the sender's authenticated DID, never what the message said", async () => {
    expect(a.identity.did).toBe(didFromPeerId(a.node.peerId))
    ta.send('g', {
      from: 'did:key:zSomeoneElse',
      to: b.identity.did,
      term: 3,
      type: 'read-index',
      requestId: 'r1',
    })
    await waitFor(() => received.length === 1, 10_000, 'the message')
    expect(received[0]).toMatchObject({ from: a.identity.did, to: b.identity.did, term: 3, requestId: 'r1' })
  })

  it('drops and counts a flood past the per-peer rate, and keeps the stream', async () => {
    received.length = 0
    const s = await a.open(String(b.node.getMultiaddrs()[0]), RAFT_PROTOCOL)
    const frame = encodeRaftFrame('g', {
      from: '',
      to: b.identity.did,
      term: 1,
      type: 'read-index',
      requestId: 'x',
    })
    for (let i = 0; i < 200; i++) await s.write(frame)
    await waitFor(
      () =>
        received.length +
          count(mb, 'moltmesh_hostile_input_total', { protocol: 'raft', reason: 'RATE_LIMITED' }) ===
        200,
      10_000,
      'every frame delivered or refused',
    )
    // The first burst got through (a token or two may have been refilled meanwhile), the rest did not.
    expect(received.length).toBeGreaterThanOrEqual(19)
    expect(received.length).toBeLessThan(100)
  })

  it('drops and counts messages to a member it cannot reach, without throwing', async () => {
    const nobody = ed25519Signer(await generateKeyPair('Ed25519')).id
    const msg: RaftMessage = { from: '', to: nobody, term: 1, type: 'read-index', requestId: 'y' }
    ta.send('g', msg)
    await waitFor(
      () => count(ma, 'moltmesh_raft_frames_total', { direction: 'out', result: 'unreachable' }) >= 1,
      15_000,
      'the unreachable send counted',
    )
    // Within the retry pause further messages are dropped at once, not queued behind a dial.
    const before = count(ma, 'moltmesh_raft_frames_total', { direction: 'out', result: 'unreachable' })
    ta.send('g', msg)
    expect(count(ma, 'moltmesh_raft_frames_total', { direction: 'out', result: 'unreachable' })).toBe(
      before + 1,
    )
  })
})
