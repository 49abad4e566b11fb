// The `moltmesh` CLI entry point: builds the command tree and runs it on the process arguments.
//
// Node's compile cache is switched on before anything else loads: it keeps the type-stripped
// source and V8's compiled code of every module on disk (os.tmpdir()/node-compile-cache, or
// $NODE_COMPILE_CACHE), so only the first start after an install or an edit strips and compiles the
// ~270 TypeScript and ~1500 JavaScript modules; later starts read them back (docs/benchmarks.md,
// startup). Entries are keyed by the file's content, so an edited file is never served stale. A cache
// that cannot be written (read-only tmp, another user's directory) only means slower starts;
// NODE_DISABLE_COMPILE_CACHE=1 turns it off. The imports below are dynamic so they come after it.
// The command tree itself comes from the bundle when it is fresh (cli/bundle/bundle-stamp.ts); for
// `moltmesh start` it is the tree with that command alone (cli/start-program.ts).
import { enableCompileCache } from 'node:module'
import { applyDaemonRuntime, commandOf } from './daemon-runtime.ts'

enableCompileCache()
// `moltmesh start` re-executes itself here with the daemon's memory settings (daemon-runtime.ts), and
// with the compile cache's folder, so the new process finds even this file in it.
applyDaemonRuntime()
const { loadProgram } = await import('./bundle/load-program.ts')
// The daemon's process loads `start` alone: none of the other commands' modules (start-program.ts).
const { program, from } = await loadProgram(
  commandOf(process.argv.slice(2)) === 'start' ? 'start-program' : 'program',
)
process.env.MOLTMESH_CODE_FROM = from
await program.buildProgram().parseAsync(process.argv)
