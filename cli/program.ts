// The `moltmesh` command tree (commander). Every command is one SDK call plus formatting; see
// docs/cli.md. cli/main.ts runs it (`moltmesh start` runs start-program.ts instead); tests walk it
// in-process.

import type { Command } from 'commander'
import { registerBlobCommands } from './commands/blob-commands.ts'
import { registerA2aCommands, registerBridgeCommands } from './commands/bridge-commands.ts'
import { registerCardCommands } from './commands/card-commands.ts'
import { registerCompletionCommand } from './commands/completion-command.ts'
import { registerDiagCommands } from './commands/diag-commands.ts'
import { registerDiagnosisCommands } from './commands/diagnosis-commands.ts'
import { registerDiscoveryCommands } from './commands/discovery-commands.ts'
import { registerInitCommand } from './commands/init-command.ts'
import { registerLedgerCommands } from './commands/ledger-commands.ts'
import { registerMcpCommand } from './commands/mcp-command.ts'
import { registerMessagingCommands } from './commands/messaging-commands.ts'
import { registerNameCommands } from './commands/name-commands.ts'
import { registerNetworkCommands } from './commands/network-commands.ts'
import { registerPing } from './commands/ping.ts'
import { registerPubsubCommands } from './commands/pubsub-commands.ts'
import { registerReload } from './commands/reload.ts'
import { registerStart } from './commands/start.ts'
import { registerStop } from './commands/stop.ts'
import { registerTaskCommands } from './commands/task-commands.ts'
import { registerThreadCommands } from './commands/thread-commands.ts'
import { registerUiCommand } from './commands/ui-command.ts'
import { registerVersion } from './commands/version.ts'
import { registerWatchEvents } from './commands/watch-events.ts'
import { registerWebhookCommands } from './commands/webhook-commands.ts'
import { registerWorkerCommand } from './commands/worker-command.ts'
import { createRootCommand } from './root-command.ts'

export function buildProgram(): Command {
  const program = createRootCommand()
  registerStart(program)
  registerStop(program)
  registerReload(program)
  registerInitCommand(program)
  registerDiagCommands(program)
  registerPing(program)
  registerDiagnosisCommands(program)
  registerMessagingCommands(program)
  registerThreadCommands(program)
  registerNameCommands(program)
  registerCardCommands(program)
  registerDiscoveryCommands(program)
  registerBlobCommands(program)
  registerTaskCommands(program)
  registerLedgerCommands(program)
  registerWorkerCommand(program)
  registerVersion(program)
  registerWatchEvents(program)
  registerWebhookCommands(program)
  registerPubsubCommands(program)
  registerNetworkCommands(program)
  registerMcpCommand(program)
  registerBridgeCommands(program)
  registerA2aCommands(program)
  registerUiCommand(program)
  // Last: the completion scripts describe every command registered above.
  registerCompletionCommand(program)
  return program
}
