// The `moltmesh` root command: its global options, help and console guard, shared by the full command
// tree (program.ts) and the daemon's own (start-program.ts).

import { Command, Help, type Option } from 'commander'
import pkg from '../package.json' with { type: 'json' }
import { guardConsole } from './output/terminal-safe.ts'

export function createRootCommand(): Command {
  return (
    new Command('moltmesh')
      .description('moltmesh: peer-to-peer network daemon for AI agents')
      .version(pkg.version, '-v, --version', 'print the CLI version')
      .option('--socket <path>', 'daemon socket (default $MOLTMESH_SOCKET or ~/.moltmesh/moltmesh.sock)')
      .option('--json', 'machine-readable output')
      // A usage error is one line (commander adds "Did you mean ...?" for a near miss) and a pointer to
      // the help, not the whole help text.
      .showHelpAfterError('(add --help for usage)')
      .configureHelp({ optionDescription })
      .hook('preAction', (_program, command) => {
        // Text output escapes control characters from peers; --json and the MCP protocol stay exact.
        if (command.optsWithGlobals().json !== true && command.name() !== 'mcp') guardConsole()
      })
  )
}

/** An option whose description already states its default does not get commander's "(default: x)" too. */
function optionDescription(this: Help, option: Option): string {
  if (/\(default\b/.test(option.description)) return option.description
  return Help.prototype.optionDescription.call(this, option)
}
