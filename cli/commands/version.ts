import type { Command } from 'commander'
import pkg from '../../package.json' with { type: 'json' }
import { action, withClient } from '../context.ts'
import { printFields, printJson } from '../output/format.ts'

export function registerVersion(program: Command): void {
  program
    .command('version')
    .description('show the CLI version and, if it is running, the daemon version')
    .action(
      action(async (_opts: unknown, cmd: Command) =>
        withClient(cmd, async (client, { json }) => {
          // Never fails: a stopped daemon is reported, not an error.
          const daemon = await client.diag.health({}, { deadlineMs: 2000 }).then(
            (h) => ({ version: h.version, apiVersion: h.apiVersion }),
            () => undefined,
          )
          if (json) return printJson({ cli: pkg.version, daemon: daemon ?? null })
          printFields([
            ['CLI', pkg.version],
            ['Daemon', daemon != null ? `${daemon.version} (${daemon.apiVersion})` : 'not running'],
          ])
        }),
      ),
    )
}
