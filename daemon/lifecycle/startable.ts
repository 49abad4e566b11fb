// The start/stop contract every subsystem of the daemon follows (after js-libp2p's Startable): the
// assembly (daemon/assemble.ts) creates each subsystem from its components, starts it at once, and
// records it, so stop order is always the exact reverse of start order.

export interface Startable {
  /** Takes up the subsystem's work: protocol handlers, timers, listeners, resumed queues. */
  start(): void | Promise<void>
  /** Releases everything start() took; must not throw for anything already released. */
  stop(): void | Promise<void>
  /** Runs once every subsystem has started (e.g. report SERVING only when all are up). */
  afterStart?(): void | Promise<void>
  /** Runs before any subsystem stops (e.g. stop taking new work while others still run). */
  beforeStop?(): void | Promise<void>
}

/** A subsystem whose lifecycle is only a stop (a closed database, cleared timers). */
export function stopOnly(stop: () => void | Promise<void>): Startable {
  return { start: () => undefined, stop }
}
