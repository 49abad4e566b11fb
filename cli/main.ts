// The `moltmesh` CLI entry point: builds the command tree and runs it on the process arguments.
import { buildProgram } from './program.ts'

await buildProgram().parseAsync(process.argv)
