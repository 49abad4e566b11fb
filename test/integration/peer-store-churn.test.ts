// Identity churn against a real daemon (issue 15, item 8): 120 raw libp2p peers, each with a fresh
// key, connect, identify and leave. libp2p's peer store kept every one of them forever; with
// p2p.connections.max_known_peers = 30 the daemon forgets the disconnected ones beyond the cap and
// keeps the peer that stays connected.
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p, type Libp2p } from 'libp2p'
import { afterAll, describe, expect, it } from 'vitest'
import type { DaemonProcess } from '../harness/daemon-process.ts'
import { useMesh, waitFor } from '../harness/mesh.ts'

const CAP = 30
const CHURNED = 120

async function identifiedPeer(target: string): Promise<Libp2p> {
  const node = await createLibp2p({
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify() },
  })
  await node.start()
  const identified = new Promise<void>((resolve) => {
    node.addEventListener('peer:identify', () => resolve(), { once: true })
  })
  await node.dial(multiaddr(target))
  await identified
  return node
}

async function gauge(d: DaemonProcess, name: string): Promise<number> {
  const text = (await d.client.diag.getMetrics({})).prometheusText
  const line = text.split('\n').find((l) => l.startsWith(`${name} `))
  if (line == null) throw new Error(`no ${name} in the metrics`)
  return Number(line.split(' ')[1])
}

describe('peer store under identity churn', () => {
  const mesh = useMesh()
  const nodes: Libp2p[] = []
  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.stop()))
  })

  it('stays under p2p.connections.max_known_peers and keeps connected peers', async () => {
    const d = await mesh.spawn('target', {
      env: {
        MOLTMESH_P2P_CONNECTIONS_MAX_KNOWN_PEERS: String(CAP),
        // Every churner comes from 127.0.0.1: lift the per-host inbound rate limit (5/s) that would
        // otherwise refuse most of them before they reach the peer store.
        MOLTMESH_P2P_CONNECTIONS_INBOUND_CONNECTION_THRESHOLD: '1000',
      },
    })
    const target = d.info!.tcpAddress
    const stays = await identifiedPeer(target)
    nodes.push(stays)
    for (let done = 0; done < CHURNED; done += 10) {
      await Promise.all(
        Array.from({ length: 10 }, async () => {
          const node = await identifiedPeer(target)
          await node.stop()
        }),
      )
    }
    // Without the bound the store would hold all of them: it must come back under the cap with far more
    // than the cap forgotten (the wait fails otherwise). The gauges are those of the pruner's last check,
    // which may have run while churners were still arriving: the check after the last disconnects
    // (debounced 1 s) forgets them too.
    const { known, pruned } = await waitFor(
      async () => {
        const n = await gauge(d, 'moltmesh_peer_store_peers')
        const p = await gauge(d, 'moltmesh_peer_store_pruned')
        return n > 0 && n <= CAP && p >= CHURNED - 2 * CAP ? { known: n, pruned: p } : undefined
      },
      30_000,
      `the peer store to be back under ${CAP} after forgetting the churners`,
    )
    console.log(`peer store: ${known} peers after ${CHURNED} identities churned; ${pruned} forgotten`)
    // The peer that stayed connected was kept, and the daemon still talks to it.
    const peers = (await d.client.diag.listPeers({})).peers.map((p) => p.peerId)
    expect(peers).toContain(stays.peerId.toString())
    expect((await d.client.diag.health({})).ok).toBe(true)
  }, 180_000)
})
