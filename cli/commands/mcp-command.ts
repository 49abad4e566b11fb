// `moltmesh mcp`: an MCP server on stdin/stdout exposing the daemon as tools (docs/mcp.md).

import type { Command } from 'commander'
import { action, globals } from '../context.ts'
import { intOption } from '../int-option.ts'
import { DEFAULT_MAX_LINE_BYTES } from '../mcp/framing.ts'
import { DEFAULT_MAX_OUTPUT_CHARS } from '../mcp/server.ts'
import { runMcpStdio } from '../mcp/stdio.ts'

export function registerMcpCommand(program: Command): void {
  program
    .command('mcp')
    .description('run an MCP server on stdio exposing the daemon as tools (for MCP clients; see docs/mcp.md)')
    .option(
      '--max-line-bytes <n>',
      'largest JSON-RPC message accepted',
      intOption(1024, 256 * 1024 * 1024),
      DEFAULT_MAX_LINE_BYTES,
    )
    .option(
      '--max-output-chars <n>',
      'tool output beyond this is cut, with a note',
      intOption(1000, 10_000_000),
      DEFAULT_MAX_OUTPUT_CHARS,
    )
    .action(
      action(async (opts: { maxLineBytes: number; maxOutputChars: number }, cmd: Command) => {
        // The daemon need not run yet: tools report DAEMON_NOT_RUNNING until it does.
        await runMcpStdio({
          socket: globals(cmd).socket,
          maxLineBytes: opts.maxLineBytes,
          maxOutputChars: opts.maxOutputChars,
        })
        // Nothing is left to wait for; do not let a lingering handle keep the client waiting.
        setTimeout(() => process.exit(process.exitCode ?? 0), 500).unref()
      }),
    )
}
