// The daemon's libp2p host as a subsystem: created with the DHT record hooks of the subsystems that
// publish records (cards, names), its peer events forwarded to the event bus, its connection gauges
// registered, discovered peers dialled, dead connections found (connection-keeper.ts), the bootstrap
// peers dialled again when every connection is gone (bootstrap-redial.ts); started with a
// clear P2P_LISTEN_FAILED when it cannot listen.

import type { Ed25519PrivateKey } from '@libp2p/interface'
import type { Selectors, Validators } from '@libp2p/kad-dht'
import type { NetworkOptions, P2pOptions } from '../config/options.ts'
import { MoltmeshError } from '../errors/moltmesh-error.ts'
import type { EventBus } from '../events/event-bus.ts'
import { tryDidFromPeerId } from '../identity/did.ts'
import type { Startable } from '../lifecycle/startable.ts'
import type { Logger } from '../log/logger.ts'
import type { Metrics } from '../metrics/metrics.ts'
import { createBootstrapRedial } from './bootstrap-redial.ts'
import { transportOf } from './connection-info.ts'
import { createConnectionKeeper } from './connection-keeper.ts'
import { createHost, type Host, startHost } from './create-host.ts'
import { dialDiscoveredPeers } from './dial-discovered.ts'
import { describeListenFailure } from './listen-error.ts'

export interface DaemonHostComponents {
  privateKey: Ed25519PrivateKey
  events: EventBus
  logger: Logger
  metrics: Metrics
  /** DHT record validators and selectors by namespace (cards, names). */
  dhtValidators: Validators
  dhtSelectors: Selectors
}

export interface DaemonHostInit {
  p2p: P2pOptions
  network: NetworkOptions
}

export interface DaemonHost extends Startable {
  host: Host
}

export async function createDaemonHost(c: DaemonHostComponents, init: DaemonHostInit): Promise<DaemonHost> {
  const host = await createHost({
    privateKey: c.privateKey,
    p2p: init.p2p,
    network: init.network,
    dhtValidators: c.dhtValidators,
    dhtSelectors: c.dhtSelectors,
  })
  forwardPeerEvents(host, c.events, c.logger)
  registerConnectionMetrics(host, c.metrics)
  const p2pLogger = c.logger.child({ component: 'p2p' })
  dialDiscoveredPeers(host, p2pLogger, init.p2p.connections.maxConnections)
  const keeper = createConnectionKeeper(
    { host, logger: p2pLogger, metrics: c.metrics },
    { intervalMs: init.p2p.connections.keepaliveIntervalMs },
  )
  const redial = createBootstrapRedial(
    { host, logger: p2pLogger, metrics: c.metrics },
    { bootstrap: init.p2p.bootstrap },
  )
  return {
    host,
    async start() {
      try {
        await startHost(host, init.p2p)
        keeper.start()
        redial.start()
      } catch (err) {
        throw new MoltmeshError(
          'unavailable',
          'P2P_LISTEN_FAILED',
          describeListenFailure(err, init.p2p.port).message,
          { cause: err },
        )
      }
    },
    async stop() {
      keeper.stop()
      redial.stop()
      await host.stop()
    },
  }
}

function forwardPeerEvents(host: Host, events: EventBus, logger: Logger): void {
  host.addEventListener('peer:connect', (evt) => {
    const peerId = evt.detail
    const did = tryDidFromPeerId(peerId)
    const address = host.getConnections(peerId)[0]?.remoteAddr.toString()
    logger.debug({ peer: peerId.toString(), address }, 'peer connected')
    events.emit('peer.connected', { peerId: peerId.toString(), did, address })
  })
  host.addEventListener('peer:disconnect', (evt) => {
    const peerId = evt.detail
    logger.debug({ peer: peerId.toString() }, 'peer disconnected')
    events.emit('peer.disconnected', { peerId: peerId.toString(), did: tryDidFromPeerId(peerId) })
  })
}

function registerConnectionMetrics(host: Host, metrics: Metrics): void {
  metrics.gauge('moltmesh_peers', 'Connected peers', () => host.getPeers().length)
  metrics.gauge('moltmesh_connections', 'Open connections, by transport', () => {
    const byTransport = new Map<string, number>()
    for (const conn of host.getConnections()) {
      const t = transportOf(conn.remoteAddr)
      byTransport.set(t, (byTransport.get(t) ?? 0) + 1)
    }
    return [...byTransport].map(([transport, value]) => ({ labels: { transport }, value }))
  })
  metrics.gauge('moltmesh_streams', 'Open libp2p streams', () =>
    host.getConnections().reduce((n, conn) => n + conn.streams.length, 0),
  )
}
