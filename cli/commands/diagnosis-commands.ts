// The commands a user runs first when something is off: `status` (what runs and what is stuck),
// `doctor` (what is wrong with the setup) and `logs` (what the daemon said).
import type { Command } from 'commander'
import { registerDoctorCommand } from './doctor-command.ts'
import { registerLogsCommand } from './logs-command.ts'
import { registerStatusCommand } from './status-command.ts'

export function registerDiagnosisCommands(program: Command): void {
  registerStatusCommand(program)
  registerDoctorCommand(program)
  registerLogsCommand(program)
}
