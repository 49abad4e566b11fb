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
  return 0
}
