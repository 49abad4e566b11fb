// Finds connections whose peer vanished without closing them, at a fraction of the cost of libp2p's
// connection monitor (which this replaces). That monitor has both ends ping every connection, QUIC
// ones included, all at once each interval; each ping is a new stream (multistream-select, a peer
// store merge, yamux window updates). In an idle 100-host mesh those pings were most of each daemon's
// CPU, growing with its connection count (docs/benchmarks.md, "idle"). Here:
//   - QUIC connections are pinged once, for their round-trip time: the QUIC transport keeps them
//     alive and closes them after 10 s without an answer by itself;
//   - a TCP or relayed connection is pinged by the end that dialed it, each at its own moment of the
//     interval (no burst);
//   - the end that accepted it pings only when it has heard no ping on it for 2.5 intervals (a dialer
//     that vanished, or an older peer that does not ping).
// Two pings in a row that fail abort the connection, so a dead peer is not reported as connected for
// long. One failure is not enough: on a starved machine (100 daemons on 2 cores, load average above
// 100) single pings timed out on live connections, and closing them made every daemon redial, which
// starved it further; one daemon of a 100-host mesh ended up with no connection at all.

import type { Connection, Stream } from '@libp2p/interface'
import { PING_PROTOCOL } from '@libp2p/ping'
import type { Logger } from '../log/logger.ts'
import type { Metrics } from '../metrics/metrics.ts'
import { transportOf } from './connection-info.ts'
import type { Host } from './create-host.ts'
import { pingOverConnection } from './ping-connection.ts'

export interface KeeperOptions {
  /** How often the dialing end pings a TCP or relayed connection (p2p.connections.keepalive_interval_ms). */
  intervalMs: number
}

/** How long a ping may take before the connection counts as dead: this, or the interval if shorter. */
const MAX_PING_TIMEOUT_MS = 10_000

/** Silence (no ping either way) after which the accepting end checks a connection itself. */
const INBOUND_SILENCE_FACTOR = 2.5

/** Pings are 32 bytes; libp2p's ping service answers any number on one stream, this a few. */
const MAX_PING_BYTES = 32 * 16

interface Tracked {
  /** When this end pings next. */
  dueAt: number
  /** The last ping sent or received on the connection. */
  lastPing: number
  inFlight: boolean
  /** Failed pings since the last one that was answered. */
  failures: number
}

/** Failed pings in a row that close a connection; after a failure the next ping goes at once. */
const FAILURES_TO_CLOSE = 2

export interface ConnectionKeeper {
  start(): void
  stop(): void
}

export interface KeeperComponents {
  host: Pick<Host, 'getConnections' | 'handle' | 'unhandle'>
  logger: Logger
  metrics: Metrics
  /** One ping over one connection, resolving to the round trip in ms (unit tests pass their own). */
  ping?: (conn: Connection, signal: AbortSignal) => Promise<number>
}

export function createConnectionKeeper(c: KeeperComponents, options: KeeperOptions): ConnectionKeeper {
  const { host, logger, metrics } = c
  const timeoutMs = Math.min(MAX_PING_TIMEOUT_MS, options.intervalMs)
  const pingOnce = c.ping ?? pingOverConnection
  const tracked = new Map<string, Tracked>()
  const pings = metrics.counter(
    'moltmesh_connection_pings_total',
    'Keep-alive pings sent on connections, by result (a failed one closes the connection)',
  )
  let timer: ReturnType<typeof setInterval> | undefined
  let stopping = new AbortController()

  const state = (conn: Connection, now: number): Tracked => {
    let t = tracked.get(conn.id)
    if (t == null) {
      // The first ping (the round-trip time) at a random moment of the first interval, so connections
      // opened together are not pinged together.
      t = { dueAt: now + Math.random() * options.intervalMs, lastPing: now, inFlight: false, failures: 0 }
      tracked.set(conn.id, t)
    }
    return t
  }

  const ping = (conn: Connection, t: Tracked, now: number): void => {
    t.inFlight = true
    // The next check is an interval away, or at once after a failure (see FAILURES_TO_CLOSE).
    t.dueAt = now + options.intervalMs
    const signal = AbortSignal.any([AbortSignal.timeout(timeoutMs), stopping.signal])
    pingOnce(conn, signal)
      .then(
        (rtt) => {
          conn.rtt = rtt
          t.lastPing = Date.now()
          t.failures = 0
          pings.inc({ result: 'ok' })
        },
        (err: Error) => {
          if (stopping.signal.aborted || conn.status !== 'open') return
          pings.inc({ result: 'failed' })
          t.failures++
          if (t.failures < FAILURES_TO_CLOSE) {
            t.dueAt = Date.now()
            return
          }
          logger.debug(
            { peer: conn.remotePeer.toString(), err: err.message, failures: t.failures },
            'keep-alive pings failed: closing',
          )
          conn.abort(err)
        },
      )
      .finally(() => {
        t.inFlight = false
      })
      // Nothing above should throw, but a keep-alive must never take the daemon down.
      .catch((err: unknown) => logger.warn({ err }, 'keep-alive ping bookkeeping failed'))
  }

  /** Echoes what the other end sends (32 bytes per ping; a stream that sends more is cut off). */
  const answerPing = async (stream: Stream, conn: Connection): Promise<void> => {
    const t = tracked.get(conn.id)
    if (t != null) t.lastPing = Date.now()
    const signal = AbortSignal.timeout(timeoutMs)
    const onTimeout = () => stream.abort(new Error('ping timed out'))
    signal.addEventListener('abort', onTimeout, { once: true })
    try {
      let received = 0
      for await (const chunk of stream) {
        received += chunk.byteLength
        if (received > MAX_PING_BYTES) {
          stream.abort(new Error('too many ping bytes'))
          return
        }
        if (stream.status !== 'open') break
        if (!stream.send(chunk)) await stream.onDrain({ signal })
      }
      await stream.close({ signal }).catch(() => undefined)
    } finally {
      signal.removeEventListener('abort', onTimeout)
    }
  }

  const tick = (): void => {
    const now = Date.now()
    const open = new Set<string>()
    for (const conn of host.getConnections()) {
      if (conn.status !== 'open') continue
      open.add(conn.id)
      const t = state(conn, now)
      if (t.inFlight || now < t.dueAt) continue
      // Whatever the transport and direction: the first ping (for the round-trip time), and the one
      // right after a failure (FAILURES_TO_CLOSE).
      const pingAnyway = conn.rtt == null || t.failures > 0
      const transport = transportOf(conn.remoteAddr)
      if (pingAnyway) ping(conn, t, now)
      else if (transport === 'quic') t.dueAt = Number.POSITIVE_INFINITY
      else if (conn.direction === 'outbound') ping(conn, t, now)
      else if (now - t.lastPing >= options.intervalMs * INBOUND_SILENCE_FACTOR) ping(conn, t, now)
      else t.dueAt = t.lastPing + options.intervalMs * INBOUND_SILENCE_FACTOR
    }
    for (const id of tracked.keys()) if (!open.has(id)) tracked.delete(id)
  }

  return {
    start() {
      stopping = new AbortController()
      // Answers /ipfs/ping (in place of libp2p's ping service): a ping the other end sends is also
      // proof of life for this end.
      // libp2p's ping service (kad-dht needs it) registered its own answer when the host started.
      void host
        .unhandle(PING_PROTOCOL)
        .then(() =>
          host.handle(PING_PROTOCOL, (stream, conn) => answerPing(stream, conn), {
            maxInboundStreams: 64,
            maxOutboundStreams: 64,
            runOnLimitedConnection: true,
          }),
        )
        .catch((err: unknown) => logger.warn({ err }, 'could not answer pings'))
      // Checked often enough that each connection is pinged close to its own moment.
      timer = setInterval(tick, Math.max(250, Math.min(5_000, options.intervalMs / 12)))
      timer.unref()
    },
    stop() {
      void host.unhandle(PING_PROTOCOL).catch(() => undefined)
      if (timer != null) clearInterval(timer)
      timer = undefined
      stopping.abort()
      tracked.clear()
    },
  }
}
