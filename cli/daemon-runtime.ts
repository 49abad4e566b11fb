// Memory settings for the daemon process, applied by re-executing `moltmesh start` in place (same
// pid, same stdio, same arguments) before any module is loaded, because both must be in place when
// the process begins:
// - `--max-semi-space-size=1`: V8's young generation capped at 1 MiB per semi-space instead of 16;
//   an idle daemon holds ~20-25 MiB less (docs/benchmarks.md, startup). A daemon's allocations are
//   small and short-lived, so the extra scavenges are cheap. With it `--expose-gc`: blob fetches ask
//   for a collection now and then (daemon/artifacts/fetch-collector.ts).
// - MALLOC_ARENA_MAX=2: glibc's malloc keeps two arenas instead of up to 8 per core, each holding on
//   to freed memory; this bounds what the threads of libuv's pool and LevelDB keep after a burst.
// - NODE_COMPILE_CACHE (the folder cli/main.ts's compile cache is in, when it is on): the relaunched
//   process then reads even its entry file from the cache. A TypeScript entry (`node cli/main.ts`) is
//   type-stripped before any of its code runs, which loads Node's stripper (amaro, ~17 MB resident
//   for the daemon's lifetime and 0.1-0.3 s); with the variable set from the start it never loads.
// A value the user already set (NODE_OPTIONS or the command line naming the flag, MALLOC_ARENA_MAX)
// is kept; MOLTMESH_NODE_DEFAULTS=0 turns this off. Only `start` in the foreground is affected: other
// commands are short-lived clients, and `start --detach` spawns the background `start` with these
// settings already applied (cli/commands/start.ts), so that process boots once.

import { flushCompileCache, getCompileCacheDir } from 'node:module'

const SEMI_SPACE = '--max-semi-space-size'
const MARKER = 'MOLTMESH_RUNTIME_APPLIED'

/** The command word of a `moltmesh` argument list: the first word that is not an option or its value. */
export function commandOf(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string
    if (a === '--socket') i++
    else if (!a.startsWith('-')) return a
  }
  return undefined
}

export interface Relaunch {
  execArgv: string[]
  env: NodeJS.ProcessEnv
}

/** What to re-execute the process with, or undefined when nothing needs changing. */
export function daemonRelaunch(
  argv: string[],
  execArgv: string[],
  env: NodeJS.ProcessEnv,
  compileCacheDir?: string,
): Relaunch | undefined {
  if (env[MARKER] != null || env.MOLTMESH_NODE_DEFAULTS === '0') return undefined
  if (commandOf(argv.slice(2)) !== 'start' || argv.includes('--detach')) return undefined
  const named = (flag: string) =>
    execArgv.some((a) => a.startsWith(flag)) || (env.NODE_OPTIONS ?? '').includes(flag)
  // --expose-gc goes with the small young generation: with it, buffers that a blob fetch leaves
  // behind are promoted and would wait for a Mark-Compact (daemon/artifacts/fetch-collector.ts).
  const addFlags = named(SEMI_SPACE) ? [] : [`${SEMI_SPACE}=1`, '--expose-gc']
  const addEnv = env.MALLOC_ARENA_MAX == null ? { MALLOC_ARENA_MAX: '2' } : {}
  if (addFlags.length === 0 && Object.keys(addEnv).length === 0) return undefined
  // Not a reason to relaunch on its own, but it comes along when there is one.
  const cache =
    compileCacheDir != null && env.NODE_COMPILE_CACHE == null ? { NODE_COMPILE_CACHE: compileCacheDir } : {}
  return { execArgv: [...execArgv, ...addFlags], env: { ...env, ...addEnv, ...cache, [MARKER]: '1' } }
}

/**
 * Re-executes this process with the daemon's settings when `moltmesh start` runs without them; on a
 * platform without execve (Windows) or a Node without process.execve, the daemon runs as it is.
 */
export function applyDaemonRuntime(): void {
  const relaunch = daemonRelaunch(process.argv, process.execArgv, process.env, getCompileCacheDir())
  if (relaunch == null) {
    delete process.env[MARKER]
    return
  }
  if (typeof process.execve !== 'function' || process.platform === 'win32') return
  // execve ends this process without its exit, where the cache is written: what it compiled (the
  // entry, on a first run) is written now, for the new process to read.
  if (relaunch.env.NODE_COMPILE_CACHE != null) flushCompileCache()
  process.execve(
    process.execPath,
    [process.execPath, ...relaunch.execArgv, ...process.argv.slice(1)],
    relaunch.env,
  )
}
