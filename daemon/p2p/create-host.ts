// Builds the libp2p host: TCP + QUIC transports, Noise, Yamux, identify, ping, kad-dht on a private
// protocol, GossipSub (strict signing), bootstrap, mDNS, and circuit relay client + AutoNAT + DCUtR for
// peers behind NAT. Everything comes from the p2p options; nothing here reads files or env.

import { noise } from '@chainsafe/libp2p-noise'
import { quic } from '@chainsafe/libp2p-quic'
import { yamux } from '@chainsafe/libp2p-yamux'
import { autoNAT } from '@libp2p/autonat'
import { bootstrap } from '@libp2p/bootstrap'
import { type CircuitRelayService, circuitRelayServer, circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { dcutr } from '@libp2p/dcutr'
import { gossipsub, StrictSign } from '@libp2p/gossipsub'
import { identify, identifyPush } from '@libp2p/identify'
import type { Ed25519PrivateKey, PeerDiscovery } from '@libp2p/interface'
import { type KadDHT, kadDHT, passthroughMapper, type Selectors, type Validators } from '@libp2p/kad-dht'
import { mdns } from '@libp2p/mdns'
import { type Ping, ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { createLibp2p, type Libp2p } from 'libp2p'
import type { NetworkOptions, P2pOptions } from '../config/options.ts'
import { AGENT_NAME, VERSION } from '../version.ts'
import { installLengthPrefixFastPath } from './length-prefix-fast-path.ts'
import { withFreshDialBacks } from './libp2p-internals.ts'
import { listenAddresses } from './listen-addresses.ts'
import { publicDht } from './public-dht.ts'

/** The DHT protocol id: a private prefix keeps moltmesh records out of the public IPFS DHT. */
export const DHT_PROTOCOL = '/moltmesh/kad/1.0.0'

export interface HostInit {
  privateKey: Ed25519PrivateKey
  p2p: P2pOptions
  network: NetworkOptions
  /** Record validators per DHT key namespace, contributed by subsystems (cards, names, …). */
  dhtValidators?: Validators
  dhtSelectors?: Selectors
}

/** The services every moltmesh host has; subsystems reach libp2p features through these names. */
export type HostServices = {
  identify: unknown
  identifyPush: unknown
  ping: Ping
  dht: KadDHT
  pubsub: ReturnType<ReturnType<typeof gossipsub>>
  autonat?: unknown
  dcutr?: unknown
  /** The public IPFS DHT, only when network.join_public is on (public-dht.ts). */
  publicDht?: KadDHT
  /** Circuit relay service for other peers (network.relay_service). */
  relayServer?: CircuitRelayService & { start(): Promise<void>; stop(): Promise<void>; isStarted(): boolean }
}

/** Whether the relay service exists at all ("auto" turns it on and off at run time). */
export function wantsRelayServer(network: NetworkOptions): boolean {
  return network.relayService === 'on' || (network.relayService === 'auto' && network.joinPublic)
}

export type Host = Libp2p<HostServices>

export async function createHost(init: HostInit): Promise<Host> {
  // Noise's frame decoder built an Error per socket read (length-prefix-fast-path.ts).
  installLengthPrefixFastPath()
  const { p2p, network } = init
  const transports = []
  if (p2p.transports.includes('tcp')) transports.push(tcp())
  if (p2p.transports.includes('quic')) transports.push(quic())
  if (p2p.relay) transports.push(circuitRelayTransport())

  const peerDiscovery: Array<(components: never) => PeerDiscovery> = []
  if (p2p.bootstrap.length > 0) peerDiscovery.push(bootstrap({ list: p2p.bootstrap }) as never)
  if (p2p.mdns) peerDiscovery.push(mdns({ serviceTag: 'moltmesh.local' }) as never)

  const services: Record<string, unknown> = {
    identify: identify(),
    identifyPush: identifyPush(),
    // kad-dht pings with it; the answering side of /ipfs/ping is taken over by connection-keeper.ts
    // once the host runs (it needs to see the pings it is sent).
    ping: ping({ maxInboundStreams: 64, maxOutboundStreams: 64 }),
    dht: kadDHT({
      protocol: DHT_PROTOCOL,
      // In a private mesh (LAN, loopback) 'auto' serves: every peer can dial every other. With
      // join_public it means client until this daemon is known to be publicly reachable
      // (public-network.ts switches it): NATed peers cannot be dialed back, so they must not serve.
      clientMode: p2p.dhtMode === 'client' || (p2p.dhtMode === 'auto' && network.joinPublic),
      // kad-dht's defaults (20 paths of 10 requests) send every lookup to the 20 closest peers known
      // in the same instant. In a 100-host mesh a search then processed 20 answers one after another
      // (most of them useless once the first named the provider), and 300 announcements at once kept
      // the two cores saturated for minutes; 3 paths of 3 measured p50 297 vs 583 ms there
      // (docs/discovery.md). Announcements still reach the 20 closest: a lookup only takes more turns.
      disjointPaths: p2p.dhtQueryPaths,
      alpha: p2p.dhtQueryConcurrency,
      // moltmesh meshes often live on LANs and loopback: keep private addresses in routing.
      peerInfoMapper: passthroughMapper,
      validators: init.dhtValidators ?? {},
      selectors: init.dhtSelectors ?? {},
    }),
    pubsub: gossipsub({
      globalSignaturePolicy: StrictSign,
      allowPublishToZeroTopicPeers: true,
      // Publishers send through their mesh; small topics flood (pubsub/topic-router.ts).
      floodPublish: false,
      emitSelf: false,
      // Messages from one peer are validated and delivered in the order they were sent, so a
      // network member's join is applied before the broadcast it sends right after joining.
      awaitRpcHandler: true,
      awaitRpcMessageHandler: true,
      // Topics and network broadcasts reach members behind NAT over their relayed connections.
      runOnLimitedConnection: true,
      // Copies of a message from other peers are recognised by author and sequence number before its
      // signature is verified again (only messages that verified are remembered).
      fastMsgIdFn: (msg) =>
        msg.from != null && msg.seqno != null
          ? `${Buffer.from(msg.from).toString('base64')}/${Buffer.from(msg.seqno).toString('base64')}`
          : '',
    }),
  }
  if (p2p.autonat) services.autonat = withFreshDialBacks(autoNAT() as (components: never) => unknown)
  if (p2p.dcutr) services.dcutr = dcutr()
  if (network.joinPublic) services.publicDht = publicDht()
  if (wantsRelayServer(network))
    services.relayServer = circuitRelayServer({
      reservations: {
        maxReservations: network.relayMaxReservations,
        // Limits apply to every relayed connection, so the peers see it as limited and only
        // protocols that opt in (runOnLimitedConnection) run over it: the moltmesh ones do.
        applyDefaultLimit: true,
        defaultDurationLimit: network.relayDurationLimitMs,
        defaultDataLimit: BigInt(network.relayDataLimitBytes),
      },
      maxInboundHopStreams: 64,
    })

  const node = await createLibp2p({
    privateKey: init.privateKey,
    start: false,
    nodeInfo: { name: AGENT_NAME, version: VERSION, userAgent: `${AGENT_NAME}/${VERSION}` },
    addresses: {
      listen: listenAddresses(p2p),
      announce: p2p.announce.length > 0 ? [...p2p.announce] : undefined,
    },
    transports: transports as never,
    connectionEncrypters: [noise()],
    // Yamux's keep-alive has both ends ping every connection every 30 s and never acts on a missing
    // answer; connection-keeper.ts pings each TCP connection once a minute from the dialer (which also
    // keeps the dialer's NAT mapping open) and closes a dead one. It was the largest idle cost left.
    streamMuxers: [yamux({ enableKeepAlive: false })],
    peerDiscovery: peerDiscovery as never,
    // Replaced by connection-keeper.ts, which finds dead connections with a fraction of the pings.
    connectionMonitor: { enabled: false },
    connectionManager: {
      maxConnections: p2p.connections.maxConnections,
      maxParallelDials: p2p.connections.maxParallelDials,
      dialTimeout: p2p.connections.dialTimeoutMs,
      maxIncomingPendingConnections: p2p.connections.maxIncomingPendingConnections,
      inboundConnectionThreshold: p2p.connections.inboundConnectionThreshold,
    },
    services: services as never,
  })
  return node as unknown as Host
}

export async function startHost(node: Host, p2p: P2pOptions): Promise<void> {
  await node.start()
  if (p2p.dhtMode === 'server') await node.services.dht.setMode('server')
}
