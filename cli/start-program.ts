// The command tree of `moltmesh start`: the root command with `start` alone. The daemon's process
// runs this instead of program.ts, so it never loads the other commands' modules (and what only
// they import); the bundle builds it as its own entry (cli/bundle). `start`'s options, help and
// errors are the same as in the full tree: its command is the same registerStart.

import type { Command } from 'commander'
import { registerStart } from './commands/start.ts'
import { createRootCommand } from './root-command.ts'

export function buildProgram(): Command {
  const program = createRootCommand()
  registerStart(program)
  return program
}
