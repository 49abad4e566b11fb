// What a daemon does about the world outside its LAN, driven by its reachability (reachability.ts),
// checked every few seconds and whenever its own addresses change:
// - publicly reachable: the moltmesh DHT runs in server mode and (relay_service "auto") the circuit
//   relay service is on, so NATed daemons can reserve slots here;
// - behind NAT: the moltmesh DHT runs as a client (peers could not dial it back), and the daemon
//   reserves relay slots on reachable moltmesh daemons; its /p2p-circuit addresses then appear in its
//   addresses, card and provider records. While reservations are missing (a relay went away), it dials
//   the relays it knows again until one takes it.
// With join_public on it also runs the public-DHT rendezvous (rendezvous.ts).

import type { PeerId } from '@libp2p/interface'
import type { KadDHT } from '@libp2p/kad-dht'
import { multiaddr } from '@multiformats/multiaddr'
import type { DhtMode, NetworkOptions } from '../config/options.ts'
import type { Logger } from '../log/logger.ts'
import type { Host } from './create-host.ts'
import { addressesWithMetadata, listenOn } from './libp2p-internals.ts'
import { classifyReachability, type Reachability } from './reachability.ts'
import { createRendezvous, peerIdOf, type Rendezvous, type RendezvousStatus } from './rendezvous.ts'

const CHECK_INTERVAL_MS = 5_000
const RELAY_HOP_PROTOCOL = '/libp2p/circuit/relay/0.2.0/hop'
const RELAY_DIAL_TIMEOUT_MS = 10_000

/** The circuit relay service as libp2p exposes it (started and stopped here in "auto" mode). */
export interface RelayServer {
  start(): Promise<void> | void
  stop(): Promise<void> | void
  isStarted(): boolean
  reservations: { size: number }
}

export interface PublicNetworkComponents {
  host: Host
  logger: Logger
  /** The moltmesh DHT (its mode follows reachability when p2p.dht_mode is "auto" and we joined). */
  dht: KadDHT
  /** The public DHT, when joined (public-dht.ts). */
  publicDht?: KadDHT
  relayServer?: RelayServer
  /** Called when the addresses others should use changed (a relay address came or went). */
  onAddressesChanged?: () => void
}

export interface PublicNetworkStatus {
  joined: boolean
  reachability: Reachability
  reachabilityReason: string
  /** Our /p2p-circuit addresses (one or more per relay we hold a reservation on). */
  relayAddresses: string[]
  /** Peer ids of the relays we hold reservations on. */
  relays: string[]
  relayServiceOn: boolean
  /** Reservations other peers hold on our relay service. */
  relayedPeers: number
  rendezvous?: RendezvousStatus
}

export function createPublicNetwork(
  c: PublicNetworkComponents,
  o: NetworkOptions & { dhtMode: DhtMode; relayTransport: boolean },
) {
  const log = c.logger
  let reachability: Reachability = 'unknown'
  let reason = 'not checked yet'
  let timer: NodeJS.Timeout | undefined
  let reservationsRequested = false
  let lastAddrs = ''
  let rendezvous: Rendezvous | undefined
  const followsReachability = o.joinPublic && o.dhtMode === 'auto'

  function relayAddresses(): string[] {
    return c.host
      .getMultiaddrs()
      .map((a) => a.toString())
      .filter((a) => a.includes('/p2p-circuit'))
  }

  function relayIds(): string[] {
    const ids = new Set<string>()
    for (const a of relayAddresses()) {
      const before = a.slice(0, a.indexOf('/p2p-circuit'))
      const id = peerIdOf(multiaddr(before))
      if (id != null) ids.add(id)
    }
    return [...ids]
  }

  async function knownRelays(): Promise<PeerId[]> {
    const peers = await c.host.peerStore.all({
      filters: [(p) => p.protocols.includes(RELAY_HOP_PROTOCOL)],
    })
    return peers.map((p) => p.id).filter((id) => !id.equals(c.host.peerId))
  }

  /** Asks libp2p for relay reservations (once), and redials known relays while some are missing. */
  async function keepReservations(): Promise<void> {
    if (!o.relayTransport || o.relayReservations === 0) return
    if (!reservationsRequested) {
      reservationsRequested = true
      log.info({ reservations: o.relayReservations }, 'behind NAT: reserving relay slots')
      await listenOn(
        c.host,
        Array.from({ length: o.relayReservations }, () => multiaddr('/p2p-circuit')),
      ).catch((err: Error) => log.warn({ err: err.message }, 'could not start relay reservations'))
    }
    const have = new Set(relayIds())
    if (have.size >= o.relayReservations) return
    for (const relay of await knownRelays()) {
      if (have.has(relay.toString()) || c.host.getConnections(relay).length > 0) continue
      // Connecting is enough: libp2p's relay discovery reserves on connected relays it still needs.
      await c.host
        .dial(relay, { signal: AbortSignal.timeout(RELAY_DIAL_TIMEOUT_MS) })
        .catch((err: Error) => log.debug({ relay: relay.toString(), err: err.message }, 'relay dial failed'))
    }
  }

  async function applyRelayService(): Promise<void> {
    const relay = c.relayServer
    if (relay == null || o.relayService !== 'auto') return
    const want = reachability === 'public'
    if (want && !relay.isStarted()) {
      await relay.start()
      log.info('publicly reachable: relay service on')
    } else if (!want && relay.isStarted()) {
      await relay.stop()
      log.info({ reachability }, 'relay service off')
    }
  }

  async function applyDhtMode(): Promise<void> {
    if (!followsReachability) return
    const want = reachability === 'public' ? 'server' : 'client'
    if (c.dht.getMode() !== want) {
      await c.dht.setMode(want)
      log.info({ mode: want, reachability }, 'moltmesh DHT mode follows reachability')
    }
  }

  async function check(): Promise<void> {
    const directRemotes = c.host
      .getConnections()
      .filter((conn) => conn.status === 'open' && conn.limits == null)
      .map((conn) => conn.remoteAddr)
    const next = classifyReachability({ addresses: addressesWithMetadata(c.host), directRemotes })
    if (next.reachability !== reachability) {
      log.info({ from: reachability, to: next.reachability, why: next.why }, 'reachability changed')
      reachability = next.reachability
    }
    reason = next.why
    await applyDhtMode()
    await applyRelayService()
    if (reachability === 'nat') await keepReservations()
    const addrs = c.host
      .getMultiaddrs()
      .map((a) => a.toString())
      .join(',')
    if (addrs !== lastAddrs) {
      lastAddrs = addrs
      c.onAddressesChanged?.()
    }
  }

  let checking: Promise<void> | undefined
  let recheck = false
  /** One check at a time (they start and stop services); a request during one runs after it. */
  function safeCheck(): void {
    if (checking != null) {
      recheck = true
      return
    }
    checking = check()
      .catch((err: Error) => log.warn({ err: err.message }, 'reachability check failed'))
      .finally(() => {
        checking = undefined
        if (recheck) {
          recheck = false
          safeCheck()
        }
      })
  }

  return {
    status(): PublicNetworkStatus {
      return {
        joined: o.joinPublic,
        reachability,
        reachabilityReason: reason,
        relayAddresses: relayAddresses(),
        relays: relayIds(),
        relayServiceOn: c.relayServer?.isStarted() === true,
        relayedPeers: c.relayServer?.isStarted() === true ? c.relayServer.reservations.size : 0,
        rendezvous: rendezvous?.status(),
      }
    },

    async start(): Promise<void> {
      // "auto" relay service starts off: libp2p started it with the node.
      if (c.relayServer != null && o.relayService === 'auto' && c.relayServer.isStarted())
        await c.relayServer.stop()
      lastAddrs = c.host
        .getMultiaddrs()
        .map((a) => a.toString())
        .join(',')
      c.host.addEventListener('self:peer:update', safeCheck)
      timer = setInterval(safeCheck, CHECK_INTERVAL_MS)
      timer.unref()
      if (o.joinPublic && c.publicDht != null) {
        rendezvous = createRendezvous(
          { host: c.host, dht: c.publicDht, logger: log.child({ component: 'rendezvous' }) },
          {
            bootstrapPeers: o.publicBootstrapPeers,
            findIntervalMs: o.rendezvousFindIntervalMs,
            reprovideIntervalMs: o.rendezvousReprovideIntervalMs,
          },
        )
        await rendezvous.start()
      }
      safeCheck()
    },

    stop(): void {
      clearInterval(timer)
      c.host.removeEventListener('self:peer:update', safeCheck)
      rendezvous?.stop()
    },
  }
}

export type PublicNetwork = ReturnType<typeof createPublicNetwork>
