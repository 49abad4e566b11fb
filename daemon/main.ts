// The daemon as a process: load config, start, log, and stop cleanly on signals. `moltmesh start`
// calls runDaemonProcess; everything else about the daemon lives in createDaemon.

import { type ConfigFlags, loadConfig } from './config/load-config.ts'
import { createDaemon } from './daemon.ts'
import { createLogger } from './log/logger.ts'

export type { ConfigFlags }

/**
 * Runs the daemon in the foreground until SIGINT/SIGTERM or a Shutdown RPC. Resolves with the exit
 * code. Startup failures (bad config, data dir in use, live socket, port taken) are thrown as
 * MoltmeshError with a reason; the caller prints them.
 */
export async function runDaemonProcess(flags: ConfigFlags): Promise<number> {
  // Everything the daemon creates (database files, blobs, logs) is for its user only: 0600 / 0700.
  process.umask(0o077)
  const { config, configFile } = loadConfig({ flags })
  const logger = createLogger(config.logLevel)
  const daemon = createDaemon({ config, configFile, logger })

  let signals = 0
  const onSignal = (signal: NodeJS.Signals) => {
    signals++
    if (signals === 1) {
      logger.info({ signal }, 'shutting down (signal again to force)')
      void daemon.stop()
    } else {
      logger.warn({ signal }, 'forced exit')
      process.exit(130)
    }
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)

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
  } catch (err) {
    await daemon.stop().catch(() => undefined)
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    throw err
  }
  await daemon.stopped
  process.off('SIGINT', onSignal)
  process.off('SIGTERM', onSignal)
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
