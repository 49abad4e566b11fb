// Synchronous cleanups that must run however the process ends: normal exit, an uncaught error, or
// SIGINT/SIGTERM/SIGHUP (Ctrl-C during a benchmark). Each signal runs every registered cleanup once,
// then exits with 128 + the signal number, as a shell would report it.

const cleanups = new Set<() => void>()
let installed = false

function runAll(): void {
  for (const fn of [...cleanups]) {
    cleanups.delete(fn)
    try {
      fn()
    } catch (err) {
      console.error(`cleanup failed: ${(err as Error).message}`)
    }
  }
}

/** Registers `fn` (synchronous); returns a function that unregisters it. */
export function onExitCleanup(fn: () => void): () => void {
  if (!installed) {
    installed = true
    process.on('exit', runAll)
    for (const [signal, code] of [
      ['SIGINT', 130],
      ['SIGTERM', 143],
      ['SIGHUP', 129],
    ] as const) {
      process.once(signal, () => {
        console.error(`\n${signal}: cleaning up`)
        runAll()
        process.exit(code)
      })
    }
  }
  cleanups.add(fn)
  return () => cleanups.delete(fn)
}
