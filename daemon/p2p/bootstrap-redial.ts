// A daemon that has lost every connection dials its bootstrap peers again. libp2p's bootstrap module
// dials them once, at start; after that a node whose peers all went away (a network outage, a laptop
// waking up, the bootstrap host restarting, or connections closed by failed keep-alive pings on a
// starved machine) had no way back: its DHT routing table was empty, so no query could find anyone,
// and nothing dialled. Seen in a 100-host mesh: one daemon ended with no connection and answered every
// search with nothing.
//
// While the node has no connection it dials every bootstrap address, first 5 s after start or after
// the last connection closed, then with a doubling pause (to 5 minutes) while the dials fail.

import type { Multiaddr } from '@multiformats/multiaddr'
import { multiaddr } from '@multiformats/multiaddr'
import type { Logger } from '../log/logger.ts'
import type { Metrics } from '../metrics/metrics.ts'
import type { Host } from './create-host.ts'
import { peerIdOf } from './rendezvous.ts'

export interface BootstrapRedialOptions {
  /** The bootstrap multiaddrs (p2p.bootstrap). */
  bootstrap: readonly string[]
  /** First pause after the last connection closed; it doubles while the dials fail. */
  firstDelayMs?: number
  maxDelayMs?: number
  dialTimeoutMs?: number
}

export interface BootstrapRedialComponents {
  host: Pick<Host, 'getConnections' | 'dial' | 'peerId' | 'addEventListener' | 'removeEventListener'>
  logger: Logger
  metrics: Metrics
}

export interface BootstrapRedial {
  start(): void
  stop(): void
}

export function createBootstrapRedial(
  c: BootstrapRedialComponents,
  o: BootstrapRedialOptions,
): BootstrapRedial {
  const firstDelay = o.firstDelayMs ?? 5_000
  const maxDelay = o.maxDelayMs ?? 300_000
  const dialTimeout = o.dialTimeoutMs ?? 10_000
  const targets: Multiaddr[] = []
  for (const a of o.bootstrap) {
    try {
      const ma = multiaddr(a)
      // Never ourselves (a bootstrap host may list its own address).
      if (peerIdOf(ma) !== c.host.peerId.toString()) targets.push(ma)
    } catch {
      // An invalid address was already reported when the host started.
    }
  }
  const attempts = c.metrics.counter(
    'moltmesh_bootstrap_redials_total',
    'Dials of the bootstrap peers after the daemon lost every connection, by result',
  )
  let timer: ReturnType<typeof setTimeout> | undefined
  /** The pause before the next attempt while the node has no connection. */
  let pause = firstDelay
  let running = false
  let dialing = false

  let dueAt = 0
  /** An attempt in `ms`, unless one is due sooner already. */
  const schedule = (ms: number) => {
    if (!running) return
    if (timer != null) {
      if (dueAt <= Date.now() + ms) return
      clearTimeout(timer)
    }
    dueAt = Date.now() + ms
    timer = setTimeout(() => {
      timer = undefined
      void redial()
    }, ms)
    timer.unref?.()
  }

  const redial = async () => {
    if (!running || dialing) return
    if (c.host.getConnections().length > 0) {
      pause = firstDelay
      return
    }
    dialing = true
    c.logger.info({ peers: targets.length }, 'no connections left: dialing the bootstrap peers again')
    const results = await Promise.allSettled(
      targets.map((ma) => c.host.dial(ma, { signal: AbortSignal.timeout(dialTimeout) })),
    )
    dialing = false
    const ok = results.filter((r) => r.status === 'fulfilled').length
    attempts.inc({ result: ok > 0 ? 'connected' : 'failed' }, 1)
    if (ok > 0 || c.host.getConnections().length > 0) {
      pause = firstDelay
      return
    }
    pause = Math.min(maxDelay, pause * 2)
    c.logger.warn({ retryInMs: pause }, 'no bootstrap peer answered')
    schedule(pause)
  }

  const onDisconnect = () => {
    if (c.host.getConnections().length === 0) schedule(pause)
  }

  return {
    start() {
      if (targets.length === 0 || running) return
      running = true
      c.host.addEventListener('peer:disconnect', onDisconnect)
      // Also covers a start where no bootstrap peer answered: libp2p dials them once, ~1 s after
      // start, and never again. This check used to wait 30 s, so a daemon whose one bootstrap dial
      // failed (a restart on a loaded machine) sat alone for half a minute with its outbox waiting.
      schedule(firstDelay)
    },
    stop() {
      running = false
      c.host.removeEventListener('peer:disconnect', onDisconnect)
      if (timer != null) clearTimeout(timer)
      timer = undefined
    },
  }
}
