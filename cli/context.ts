// What every command needs: global options, a client for the daemon, and one place that turns errors
// into messages and exit codes (2 = daemon not running, 1 = command failed).

import type { Command } from 'commander'
import { type Client, createClient, DaemonNotRunningError, MoltmeshError } from '../clients/ts/index.ts'
import { EXIT_FAILED, EXIT_NOT_RUNNING } from './exit-codes.ts'
import { safeText } from './output/terminal-safe.ts'

export interface GlobalOptions {
  socket?: string
  json?: boolean
}

export { EXIT_FAILED, EXIT_NOT_RUNNING } from './exit-codes.ts'

export function globals(cmd: Command): GlobalOptions {
  return cmd.optsWithGlobals() as GlobalOptions
}

/** Runs `fn` with a client for the selected socket and closes it afterwards. */
export async function withClient<T>(
  cmd: Command,
  fn: (client: Client, opts: GlobalOptions) => Promise<T>,
): Promise<T> {
  const opts = globals(cmd)
  const client = createClient({ socket: opts.socket })
  try {
    return await fn(client, opts)
  } finally {
    client.close()
  }
}

/** Wraps a command action: errors become one line on stderr and an exit code, never a stack trace. */
export function action<A extends unknown[]>(
  fn: (...args: A) => Promise<void>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args)
    } catch (err) {
      process.exitCode = reportError(err)
    }
  }
}

export function reportError(err: unknown): number {
  if (err instanceof DaemonNotRunningError) {
    console.error(err.message)
    return EXIT_NOT_RUNNING
  }
  if (
    err instanceof MoltmeshError ||
    (err instanceof Error && typeof (err as { reason?: unknown }).reason === 'string')
  ) {
    console.error(`error: ${safeText(err.message)} [${(err as MoltmeshError).reason}]`)
    return EXIT_FAILED
  }
  console.error(`error: ${safeText((err as Error)?.message ?? String(err))}`)
  return EXIT_FAILED
}
