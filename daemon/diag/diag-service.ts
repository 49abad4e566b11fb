// Diagnostics: health, info, peers, ping, connect/disconnect, metrics. Domain objects only; the gRPC
// adapter in daemon/rpc/diag-adapter.ts maps them to proto messages.

import type { Connection, PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { DaemonConfig } from '../config/options.ts'
import { failedPrecondition, MoltmeshError, unavailable } from '../errors/moltmesh-error.ts'
import { ACTIVITY_MINUTES, type Activity, type ActivityCounter } from '../events/activity.ts'
import { tryDidFromPeerId } from '../identity/did.ts'
import type { Identity } from '../identity/identity.ts'
import type { Logger } from '../log/logger.ts'
import type { MetricSample, Metrics } from '../metrics/metrics.ts'
import { bestConnection, transportOf } from '../p2p/connection-info.ts'
import type { Host } from '../p2p/create-host.ts'
import { pingOverConnection } from '../p2p/ping-connection.ts'
import type { PublicNetworkStatus } from '../p2p/public-network.ts'
import { type NameResolver, type PeerTarget, resolvePeerTarget } from '../p2p/target.ts'
import { API_VERSION, VERSION } from '../version.ts'

/** Multicodec of the /p2p/<peer id> address component. */
const P2P_CODE = 0x01a5

export interface DiagComponents {
  host: Host
  identity: Identity
  config: DaemonConfig
  configFile: string | undefined
  metrics: Metrics
  logger: Logger
  resolveName: NameResolver
  startedAt: number
  /** Asks the daemon to stop (graceful). */
  requestShutdown: () => void
  /** Reachability, relays and rendezvous (p2p/public-network.ts). */
  publicNetwork?: () => PublicNetworkStatus
  /** Event counts per minute since start (events/activity.ts). */
  activity: Pick<ActivityCounter, 'read'>
}

export interface PeerSummary {
  peerId: string
  did: string
  addresses: string[]
  latencyMs: number
  transport: string
  direction: string
  protocols: string[]
  agentVersion: string
  connectedAtMs: number
}

export interface PingResult {
  reachable: boolean
  peerId: string
  did: string
  attempts: Array<{ ok: boolean; latencyMs: number; error: string }>
  averageLatencyMs: number
  transport: string
  address: string
  error: string
}

export const PING_MAX_COUNT = 100
const DEFAULT_PING_TIMEOUT_MS = 5_000
const DEFAULT_PING_INTERVAL_MS = 200
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000

/** The public-network part of GetInfo, flat as the API reports it. */
function publicNetworkInfo(s: PublicNetworkStatus | undefined) {
  return {
    joined: s?.joined ?? false,
    reachability: s?.reachability ?? 'unknown',
    reachabilityReason: s?.reachabilityReason ?? '',
    relays: s?.relays ?? [],
    relayAddresses: s?.relayAddresses ?? [],
    relayService: s?.relayServiceOn ?? false,
    relayedPeers: s?.relayedPeers ?? 0,
    publicBootstrapConnected: s?.rendezvous?.bootstrapConnected ?? 0,
    rendezvousFound: s?.rendezvous?.found ?? false,
    rendezvousPeers: s?.rendezvous?.peersFound ?? 0,
    rendezvousProvidedAtMs: s?.rendezvous?.lastProvidedAtMs ?? 0,
    rendezvousProvidedTo: s?.rendezvous?.providedTo ?? 0,
  }
}

export function createDiagService(c: DiagComponents) {
  const { host } = c

  function connectedPeerIds(): PeerId[] {
    return host.getPeers()
  }

  async function describePeer(peerId: PeerId, connections: Connection[]): Promise<PeerSummary> {
    const conn = bestConnection(connections)
    let protocols: string[] = []
    let agentVersion = ''
    let storedAddrs: string[] = []
    try {
      const peer = await host.peerStore.get(peerId)
      protocols = [...peer.protocols].sort()
      storedAddrs = peer.addresses.map((a) => a.multiaddr.toString())
      const av = peer.metadata.get('AgentVersion')
      if (av != null) agentVersion = new TextDecoder().decode(av)
    } catch {
      // Not in the peer store (yet): report what the connection tells us.
    }
    const addresses =
      conn != null
        ? [conn.remoteAddr.toString(), ...storedAddrs.filter((a) => a !== conn.remoteAddr.toString())]
        : storedAddrs
    return {
      peerId: peerId.toString(),
      did: tryDidFromPeerId(peerId) ?? '',
      addresses,
      latencyMs: conn?.rtt ?? 0,
      transport: conn != null ? transportOf(conn.remoteAddr) : '',
      direction: conn?.direction ?? '',
      protocols,
      agentVersion,
      connectedAtMs: conn?.timeline.open ?? 0,
    }
  }

  /**
   * Dials exactly `addr` and checks that `expected` answered. libp2p joins a dial by peer id to any
   * dial already queued for that peer, and such a dial may be waiting on a DHT lookup of the peer
   * (e.g. a delivery to a peer whose address we lost) for its whole timeout; dialing the address
   * without its /p2p part is a separate dial, and the Noise handshake still proves who answered.
   */
  async function dialAddress(addr: Multiaddr, expected: PeerId, signal: AbortSignal): Promise<Connection> {
    const bare = addr.decapsulateCode(P2P_CODE)
    const conn = await host.dial(bare, { signal })
    if (!conn.remotePeer.equals(expected)) {
      await conn.close().catch(() => undefined)
      throw new Error(
        `the peer at ${bare.toString()} is ${conn.remotePeer.toString()}, not ${expected.toString()}`,
      )
    }
    return conn
  }

  /** An open connection for the target: over the target's own address when it is a multiaddr. */
  async function connectionFor(target: PeerTarget, timeoutMs: number): Promise<Connection> {
    const signal = AbortSignal.timeout(timeoutMs)
    if (target.kind === 'peer') return host.dial(target.peerId, { signal })
    const wanted = transportOf(target.addr)
    const open = host
      .getConnections(target.peerId)
      .find(
        (cn) =>
          cn.status === 'open' &&
          transportOf(cn.remoteAddr) === wanted &&
          sameHost(cn.remoteAddr, target.addr),
      )
    return open ?? host.dial(target.addr, { signal, force: true })
  }

  async function resolve(target: string, signal?: AbortSignal): Promise<PeerTarget> {
    const resolved = await resolvePeerTarget(target, c.resolveName, { signal })
    if (resolved.peerId.equals(host.peerId)) {
      throw failedPrecondition('SELF_TARGET', 'the target is this daemon itself')
    }
    return resolved
  }

  return {
    health() {
      return {
        ok: host.status === 'started',
        version: VERSION,
        did: c.identity.did,
        peerCount: connectedPeerIds().length,
        uptimeMs: Date.now() - c.startedAt,
        apiVersion: API_VERSION,
      }
    },

    info() {
      const listen = host.getMultiaddrs().map((a) => a.toString())
      const peerSuffix = `/p2p/${host.peerId.toString()}`
      const withPeer = (a: string): string => (a.endsWith(peerSuffix) ? a : `${a}${peerSuffix}`)
      return {
        did: c.identity.did,
        peerId: host.peerId.toString(),
        listenAddresses: listen.map(withPeer),
        announceAddresses: (c.config.p2p.announce.length > 0 ? c.config.p2p.announce : listen).map(withPeer),
        dataDir: c.config.dataDir,
        socket: c.config.socket,
        version: VERSION,
        uptimeMs: Date.now() - c.startedAt,
        peerCount: connectedPeerIds().length,
        dhtMode: host.services.dht.getMode(),
        mdns: c.config.p2p.mdns,
        publicKey: c.identity.publicKeyHex,
        configFile: c.configFile ?? '',
        pid: process.pid,
        publicNetwork: publicNetworkInfo(c.publicNetwork?.()),
      }
    },

    async listPeers(includeDisconnected: boolean): Promise<PeerSummary[]> {
      const byPeer = new Map<string, { peerId: PeerId; connections: Connection[] }>()
      for (const conn of host.getConnections()) {
        const key = conn.remotePeer.toString()
        const entry = byPeer.get(key) ?? { peerId: conn.remotePeer, connections: [] }
        entry.connections.push(conn)
        byPeer.set(key, entry)
      }
      const out: PeerSummary[] = []
      for (const { peerId, connections } of byPeer.values()) out.push(await describePeer(peerId, connections))
      if (includeDisconnected) {
        for (const peer of await host.peerStore.all()) {
          if (byPeer.has(peer.id.toString()) || peer.id.equals(host.peerId)) continue
          out.push(await describePeer(peer.id, []))
        }
      }
      return out
    },

    async ping(input: {
      target: string
      count: number
      timeoutMs: number
      intervalMs: number
      /** Aborted when the caller goes away or the daemon stops: no more attempts. */
      signal?: AbortSignal
    }): Promise<PingResult> {
      const count = input.count <= 0 ? 1 : input.count
      if (count > PING_MAX_COUNT) {
        throw new MoltmeshError(
          'invalid_argument',
          'INVALID_ARGUMENT',
          `count must be at most ${PING_MAX_COUNT}`,
        )
      }
      const timeoutMs = input.timeoutMs > 0 ? input.timeoutMs : DEFAULT_PING_TIMEOUT_MS
      const intervalMs = input.intervalMs > 0 ? input.intervalMs : DEFAULT_PING_INTERVAL_MS
      const target = await resolve(input.target, AbortSignal.timeout(timeoutMs))
      const result: PingResult = {
        reachable: false,
        peerId: target.peerId.toString(),
        did: tryDidFromPeerId(target.peerId) ?? '',
        attempts: [],
        averageLatencyMs: 0,
        transport: '',
        address: '',
        error: '',
      }
      // A multiaddr target is pinged over that exact address (a QUIC address is tested over QUIC even
      // if a TCP connection is open); a peer target uses the best open connection or dials one through
      // the peer store and peer routing (DHT).
      let conn: Connection | undefined
      for (let i = 0; i < count && input.signal?.aborted !== true; i++) {
        if (i > 0) await sleep(intervalMs, input.signal)
        try {
          conn = conn?.status === 'open' ? conn : await connectionFor(target, timeoutMs)
          const latency = await pingOverConnection(conn, AbortSignal.timeout(timeoutMs))
          result.attempts.push({ ok: true, latencyMs: latency, error: '' })
        } catch (err) {
          const message = describeDialError(err, timeoutMs)
          result.attempts.push({ ok: false, latencyMs: 0, error: message })
          if (result.error === '') result.error = message
        }
      }
      const ok = result.attempts.filter((a) => a.ok)
      result.reachable = ok.length > 0
      if (result.reachable) result.error = ''
      result.averageLatencyMs = ok.length > 0 ? ok.reduce((s, a) => s + a.latencyMs, 0) / ok.length : 0
      if (conn != null) {
        result.transport = transportOf(conn.remoteAddr)
        result.address = conn.remoteAddr.toString()
      }
      return result
    },

    async connect(targetInput: string, timeoutMs: number): Promise<PeerSummary> {
      const timeout = timeoutMs > 0 ? timeoutMs : DEFAULT_CONNECT_TIMEOUT_MS
      const target = await resolve(targetInput, AbortSignal.timeout(timeout))
      try {
        const signal = AbortSignal.timeout(timeout)
        if (target.kind === 'multiaddr' && host.getConnections(target.peerId).length === 0)
          await dialAddress(target.addr, target.peerId, signal)
        else await host.dial(target.kind === 'multiaddr' ? target.addr : target.peerId, { signal })
      } catch (err) {
        throw unavailable(
          'PEER_UNREACHABLE',
          `cannot connect to ${target.input}: ${describeDialError(err, timeout)}`,
          err,
        )
      }
      return describePeer(target.peerId, host.getConnections(target.peerId))
    },

    async disconnect(targetInput: string): Promise<{ wasConnected: boolean }> {
      const target = await resolve(targetInput)
      const wasConnected = host.getConnections(target.peerId).length > 0
      await host.hangUp(target.peerId)
      return { wasConnected }
    },

    metrics(): { samples: MetricSample[]; prometheusText: string } {
      const samples = c.metrics.collect()
      return { samples, prometheusText: c.metrics.prometheusText() }
    },

    /** Event counts per minute over the last `minutes` (0 = 15, at most 60). */
    activity(minutes: number): Activity {
      if (!Number.isInteger(minutes) || minutes < 0 || minutes > ACTIVITY_MINUTES)
        throw new MoltmeshError(
          'invalid_argument',
          'INVALID_ARGUMENT',
          `minutes must be between 1 and ${ACTIVITY_MINUTES} (0 for 15)`,
        )
      return c.activity.read(minutes === 0 ? 15 : minutes)
    },

    shutdown(): void {
      c.logger.info('shutdown requested over gRPC')
      // Reply first, then stop: the caller gets its answer before the socket closes.
      setTimeout(() => c.requestShutdown(), 50)
    },
  }
}

export type DiagService = ReturnType<typeof createDiagService>

/** Same IP and port (ignoring the /p2p suffix and the transport's protocol names). */
function sameHost(a: Multiaddr, b: Multiaddr): boolean {
  const key = (m: Multiaddr) =>
    m
      .getComponents()
      .filter((c) => ['ip4', 'ip6', 'dns', 'dns4', 'dns6', 'tcp', 'udp'].includes(c.name))
      .map((c) => `${c.name}=${c.value}`)
      .join('/')
  return key(a) === key(b)
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms)
    function done() {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    signal?.addEventListener('abort', done, { once: true })
  })
}

/** Short, user-facing text for a dial/ping failure. */
export function describeDialError(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; message?: string; errors?: unknown[] }
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return `no answer within ${timeoutMs} ms`
  if (e?.name === 'NoValidAddressesError') return 'no known address for the peer (not found by peer routing)'
  if (Array.isArray(e?.errors) && e.errors.length > 0) {
    return `${e.message ?? 'dial failed'}: ${(e.errors as Array<{ message?: string }>).map((x) => x.message).join('; ')}`
  }
  return e?.message ?? String(err)
}
