// `moltmesh mcp add <name> -- <command> [args...]`: declares an MCP server whose tools this agent
// serves as skills, as a [[mcp.servers]] table appended to the config file (the daemon reads it at
// start: docs/a2a.md). The file is checked after the edit and restored if the result is invalid.

import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
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
        const { loadConfig } = await import('../../daemon/config/load-config.ts')
        const file =
          loadConfig({ flags: { config: opts.config } }).configFile ?? join(process.cwd(), 'moltbook.toml')
        const before = existsSync(file) ? readFileSync(file, 'utf8') : ''
        const table = stringify({
          mcp: { servers: [{ name, command, args, env: opts.env ?? [], tools: opts.tool ?? [] }] },
        })
        writeFileSync(file, `${before}${before === '' || before.endsWith('\n') ? '' : '\n'}\n${table}\n`)
        try {
          loadConfig({ flags: { config: file } })
        } catch (err) {
          writeFileSync(file, before)
          throw err
        }
        const result = { added: name, configFile: file, note: 'restart the daemon to start it' }
        if (globals(cmd).json === true) printJson(result)
        else
          printFields([
            ['Added', `${name}: ${[command, ...args].join(' ')}`],
            ['Config', file],
            ['Next', 'restart the daemon (moltmesh stop; moltmesh start) to serve its tools as skills'],
          ])
      }),
    )
}
