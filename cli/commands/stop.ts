import type { Command } from 'commander'
import { DaemonNotRunningError } from '../../clients/ts/index.ts'
import { action, EXIT_FAILED, withClient } from '../context.ts'
import { printJson } from '../output/format.ts'

const STOP_TIMEOUT_MS = 15_000

export function registerStop(program: Command): void {
  program
    .command('stop')
    .description('stop the running daemon gracefully')
    .action(
      action(async (_opts: unknown, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          const { did } = await client.diag.health({})
          await client.diag.shutdown({})
          const deadline = Date.now() + STOP_TIMEOUT_MS
          while (Date.now() < deadline) {
            try {
              await client.diag.health({}, { deadlineMs: 500 })
            } catch (err) {
              if (err instanceof DaemonNotRunningError) {
                if (json) printJson({ stopped: true, did })
                else console.log(`Stopped ${did}`)
                return
              }
            }
            await new Promise((r) => setTimeout(r, 100))
          }
          console.error(`error: the daemon is still running after ${STOP_TIMEOUT_MS / 1000}s`)
          process.exitCode = EXIT_FAILED
        }),
      ),
    )
}
