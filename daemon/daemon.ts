// The daemon as a library: createDaemon(options) -> { start(), stop() }. start() assembles the
// subsystems in dependency order (assemble.ts); stop() stops them in exactly the reverse order
// (lifecycle/lifecycle.ts), whoever asks for it: the caller, a signal, or the Shutdown RPC.

import { type Assembled, assembleDaemon } from './assemble.ts'
import type { AgentOptions, DaemonConfig } from './config/options.ts'
import { MoltmeshError } from './errors/moltmesh-error.ts'
import { createEventBus } from './events/event-bus.ts'
import type { Identity } from './identity/identity.ts'
import { createLifecycle } from './lifecycle/lifecycle.ts'
import { createLogger, type Logger } from './log/logger.ts'
import { createMetrics } from './metrics/metrics.ts'
import type { Host } from './p2p/create-host.ts'

export interface DaemonOptions {
  config: DaemonConfig
  /** The config file the options came from, if any (reported by GetInfo). */
  configFile?: string
  logger?: Logger
}

export interface Daemon {
  readonly config: DaemonConfig
  readonly logger: Logger
  /** Available once started. */
  readonly identity: Identity
  readonly host: Host
  start(): Promise<void>
  /** Graceful stop; safe to call more than once. */
  stop(): Promise<void>
  /** Resolves when a stop begins (by stop(), a signal or a Shutdown RPC). */
  readonly stopRequested: Promise<void>
  /** Resolves when the daemon has stopped (by stop() or a Shutdown RPC). */
  readonly stopped: Promise<void>
  /**
   * Takes new [agent] content (a config reload: name, description, skills) and republishes the card.
   * Resolves with the number of skills on the card now.
   */
  reloadAgent(agent: AgentOptions): Promise<number>
  /** Applies a reloaded config's bridges: [a2a] gateway, [[a2a.remote]], [[mcp.servers]]. */
  reloadBridges(config: DaemonConfig): Promise<void>
}

export function createDaemon(options: DaemonOptions): Daemon {
  const { config } = options
  const logger = options.logger ?? createLogger(config.logLevel)
  const events = createEventBus()
  const lifecycle = createLifecycle(logger)
  let assembled: Assembled | undefined
  let stopping: Promise<void> | undefined
  const stopRequested = Promise.withResolvers<void>()
  const stopped = Promise.withResolvers<void>()

  async function start(): Promise<void> {
    // Milliseconds since the process began (performance's time origin): up to here is Node's boot and
    // module loading, the rest is the subsystems' start (each logged at debug by the lifecycle).
    const loadMs = Math.round(performance.now())
    assembled = await assembleDaemon(
      {
        config,
        configFile: options.configFile,
        logger,
        metrics: createMetrics(),
        events,
        startedAt: Date.now(),
        requestShutdown: () => void stop(),
      },
      lifecycle,
    )
    await lifecycle.afterStart()
    const { identity, host } = assembled
    logger.info(
      {
        did: identity.did,
        peerId: host.peerId.toString(),
        grpc: `unix:${config.socket}`,
        tcp: assembled.rpcTcpAddress,
        listen: host.getMultiaddrs().map((a) => a.toString()),
        peers: host.getPeers().length,
        loadMs,
        startMs: Math.round(performance.now()) - loadMs,
        // 'bundle' or 'sources (why)', set by cli/main.ts (cli/bundle); unset when embedded.
        code: process.env.MOLTMESH_CODE_FROM,
      },
      'daemon started',
    )
  }

  function stop(): Promise<void> {
    stopRequested.resolve()
    stopping ??= (async () => {
      logger.info('daemon stopping')
      events.emit('daemon.stopping', {})
      await lifecycle.stop()
      logger.info('daemon stopped')
      stopped.resolve()
    })()
    return stopping
  }

  return {
    config,
    logger,
    get identity() {
      if (assembled == null) throw new Error('daemon not started')
      return assembled.identity
    },
    get host() {
      if (assembled == null) throw new Error('daemon not started')
      return assembled.host
    },
    start,
    stop,
    stopRequested: stopRequested.promise,
    stopped: stopped.promise,
    async reloadAgent(agent) {
      if (assembled == null)
        throw new MoltmeshError('unavailable', 'NOT_READY', 'the daemon is still starting')
      const card = await assembled.cards.reconfigure(agent)
      logger.info({ skills: card.skills.map((s) => s.id) }, 'agent skills reloaded')
      return card.skills.length
    },
    async reloadBridges(next) {
      if (assembled == null)
        throw new MoltmeshError('unavailable', 'NOT_READY', 'the daemon is still starting')
      await assembled.bridges.apply(next)
    },
  }
}
