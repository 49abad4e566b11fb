// `moltmesh mcp add <name> -- <command> [args...]` and `moltmesh a2a add <name> <agent-card-url>`:
// declare an MCP server or an external A2A agent whose skills this agent serves, as a table appended
// to the config file ([[mcp.servers]], [[a2a.remote]]; the daemon reads them at start and on
// `moltmesh reload`: docs/a2a.md).
// The file is checked after the edit and restored if the result is invalid.

import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Command } from 'commander'
import { stringify } from 'smol-toml'
import { action, globals } from '../context.ts'
import { printFields, printJson } from '../output/format.ts'

interface McpAddOptions {
  config?: string
  tool?: string[]
  env?: string[]
}

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value]

export function registerBridgeCommands(program: Command): void {
  const mcp = program.commands.find((c) => c.name() === 'mcp')
  if (mcp == null) throw new Error('register the mcp command first')
  mcp
    .command('add <name> <command> [args...]')
    .description(
      'serve the tools of an MCP server (stdio) as skills: moltmesh mcp add <name> -- <command> [args...]',
    )
    .option('--config <file>', 'config file to add it to (default: the one `moltmesh start` would read)')
    .option('--tool <name>', 'offer only this tool (repeatable; default: all)', collect)
    .option('--env <KEY=VALUE>', 'environment of the server (repeatable)', collect)
    .action(
      action(async (name: string, command: string, args: string[], opts: McpAddOptions, cmd: Command) => {
        const table = {
          mcp: { servers: [{ name, command, args, env: opts.env ?? [], tools: opts.tool ?? [] }] },
        }
        const file = await appendTable(opts.config, table)
        report(cmd, name, `${[command, ...args].join(' ')}`, file)
      }),
    )
}

export function registerA2aCommands(program: Command): void {
  const a2a = program.command('a2a').description('bridges to the A2A protocol (docs/a2a.md)')
  a2a
    .command('add <name> <agent-card-url>')
    .description("serve an external A2A agent's skills on the mesh, as <name>-<skill>")
    .option('--config <file>', 'config file to add it to (default: the one `moltmesh start` would read)')
    .option('--token <token>', 'bearer token the remote agent asks for')
    .action(
      action(async (name: string, url: string, opts: { config?: string; token?: string }, cmd: Command) => {
        const file = await appendTable(opts.config, {
          a2a: { remote: [{ name, url, token: opts.token ?? '' }] },
        })
        report(cmd, name, url, file)
      }),
    )
}

/** Appends `table` to the config file, checks the result and restores the file if it is invalid. */
async function appendTable(config: string | undefined, table: Record<string, unknown>): Promise<string> {
  const { loadConfig } = await import('../../daemon/config/load-config.ts')
  // A --config file that does not exist yet is created.
  const file =
    config != null ? resolve(config) : (loadConfig({}).configFile ?? join(process.cwd(), 'moltbook.toml'))
  const before = existsSync(file) ? readFileSync(file, 'utf8') : ''
  writeFileSync(file, `${before}${before === '' || before.endsWith('\n') ? '' : '\n'}\n${stringify(table)}\n`)
  try {
    loadConfig({ flags: { config: file } })
  } catch (err) {
    writeFileSync(file, before)
    throw err
  }
  return file
}

function report(cmd: Command, name: string, what: string, file: string): void {
  const result = {
    added: name,
    configFile: file,
    note: 'run `moltmesh reload` (or start the daemon) to serve its skills',
  }
  if (globals(cmd).json === true) printJson(result)
  else
    printFields([
      ['Added', `${name}: ${what}`],
      ['Config', file],
      ['Next', 'moltmesh reload (a running daemon picks it up) to serve its skills'],
    ])
}
