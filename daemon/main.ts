// The daemon as a process: load config, start, log, reload on SIGHUP, and stop cleanly on signals.
// `moltmesh start` calls runDaemonProcess; everything else about the daemon lives in createDaemon.

import { flushCompileCache } from 'node:module'
import { type ConfigFlags, type LoadedConfig, loadConfig } from './config/load-config.ts'
import { createDaemon } from './daemon.ts'
import { isMoltmeshError } from './errors/moltmesh-error.ts'
import { createLogger, type Logger } from './log/logger.ts'

export type { ConfigFlags, LoadedConfig }

/** Something that runs next to the daemon in this process (the handler supervisor of `moltmesh start`). */
export interface Attached {
  /** Called after each successful reload, with the config as re-read. */
  reload(loaded: LoadedConfig): Promise<void> | void
  /** Called before the daemon stops (and after it stopped on its own, e.g. a Shutdown RPC). */
  stop(): Promise<void>
}

export interface DaemonProcessHooks {
  /** Runs once the daemon is serving; what it returns is reloaded and stopped with the daemon. */
  started?(loaded: LoadedConfig, logger: Logger): Promise<Attached> | Attached
}

/**
 * Runs the daemon in the foreground until SIGINT/SIGTERM or a Shutdown RPC. Resolves with the exit
 * code. Startup failures (bad config, data dir in use, live socket, port taken) are thrown as
 * MoltmeshError with a reason; the caller prints them. SIGHUP re-reads the config file and applies
 * its [agent] section (name, description, skills: the card is republished) and the bridges ([a2a],
 * [[a2a.remote]], [[mcp.servers]]); a config that no longer loads is logged and the running one kept.
 */
export async function runDaemonProcess(flags: ConfigFlags, hooks: DaemonProcessHooks = {}): Promise<number> {
  // Everything the daemon creates (database files, blobs, logs) is for its user only: 0600 / 0700.
  process.umask(0o077)
  const loaded = loadConfig({ flags })
  const { config, configFile } = loaded
  const logger = createLogger(config.logLevel)
  const daemon = createDaemon({ config, configFile, logger })
  let attached: Attached | undefined

  const stopAll = async () => {
    await attached?.stop().catch((err: Error) => logger.warn({ err: err.message }, 'handlers stop failed'))
    await daemon.stop()
  }
  let signals = 0
  const onSignal = (signal: NodeJS.Signals) => {
    signals++
    if (signals === 1) {
      logger.info({ signal }, 'shutting down (signal again to force)')
      void stopAll()
    } else {
      logger.warn({ signal }, 'forced exit')
      process.exit(130)
    }
  }
  let reloading = Promise.resolve()
  const onReload = () => {
    reloading = reloading.then(async () => {
      try {
        const next = loadConfig({ flags })
        const skills = await daemon.reloadAgent(next.config.agent)
        await daemon.reloadBridges(next.config)
        await attached?.reload(next)
        logger.info({ configFile: next.configFile, skills }, 'config reloaded')
      } catch (err) {
        const reason = isMoltmeshError(err) ? err.reason : undefined
        logger.error({ err: (err as Error).message, reason }, 'reload failed: keeping the running config')
      }
    })
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  const detachSignals = () => {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    process.off('SIGHUP', onReload)
  }

  // However a stop begins, the process ends: a subsystem whose close hangs (a peer that never answers,
  // a stuck disk) gets STOP_DEADLINE_MS, then the process exits anyway.
  void daemon.stopRequested.then(() => {
    setTimeout(() => {
      logger.error({ deadlineMs: STOP_DEADLINE_MS }, 'stop did not finish in time: exiting')
      process.exit(1)
    }, STOP_DEADLINE_MS).unref()
  })

  try {
    await daemon.start()
    attached = await hooks.started?.(loaded, logger)
    // The compile cache (cli/main.ts) is written at exit; a daemon that is killed never exits, so the
    // modules it loaded are written now (nothing when they all came from the cache).
    setImmediate(() => flushCompileCache())
  } catch (err) {
    await stopAll().catch(() => undefined)
    detachSignals()
    throw err
  }
  process.on('SIGHUP', onReload)
  await daemon.stopped
  await attached?.stop().catch(() => undefined)
  detachSignals()
  // Everything is closed; anything still holding the event loop (a peer's socket, a timer of a
  // library) must not keep a stopped daemon alive: exit after a short grace if it has not already.
  setTimeout(() => {
    logger.warn('handles still open after stop: exiting')
    process.exit(0)
  }, EXIT_GRACE_MS).unref()
  return 0
}

/** How long a stopped daemon waits for the event loop to drain before it exits anyway. */
const EXIT_GRACE_MS = 2_000
/** Longest an orderly stop may take before the process exits regardless. */
const STOP_DEADLINE_MS = 10_000
