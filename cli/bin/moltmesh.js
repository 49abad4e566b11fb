#!/usr/bin/env node
// Launcher for the `moltmesh` bin (plain JS so any Node can read it). The CLI is TypeScript run by
// Node's type stripping, on by default from Node 22.18 (and 23.6). On an older Node (e.g. a system
// Node 20) it re-runs the CLI with the Node 24 binary that the package installs (the `node` package,
// a devDependency), with the same arguments and stdio, and exits the way that child exits.
import { spawn } from 'node:child_process'
import { existsSync, realpathSync } from 'node:fs'
import nodeModule from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const cliDir = dirname(dirname(realpathSync(fileURLToPath(import.meta.url))))
const packageRoot = dirname(cliDir)
const main = join(cliDir, 'main.ts')
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number)
const stripsTypes = major >= 24 || (major === 23 && minor >= 6) || (major === 22 && minor >= 18)

/** node_modules/node/bin/node in the package or, when npm hoisted it, in a folder above. */
function findBundledNode() {
  for (let dir = packageRoot; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', 'node', 'bin', 'node')
    if (existsSync(candidate)) return candidate
    if (dirname(dir) === dir) return undefined
  }
}

if (stripsTypes) {
  // Before the first TypeScript file: main.ts then comes from Node's compile cache (cli/main.ts) and
  // Node never loads its type stripper (amaro: a 3.6 MB script and a WebAssembly module, ~17 MB of
  // resident memory and 0.1-0.3 s per process; docs/benchmarks.md, start-up). A .ts entry is
  // stripped before any of its code runs, so only a JavaScript entry can do this.
  // (From the module object: a named import of enableCompileCache, which Node 20 lacks, would keep
  // this file from loading at all there, before it could re-run the CLI with Node 24.)
  nodeModule.enableCompileCache()
  await import(pathToFileURL(main).href)
} else {
  const bundled = findBundledNode()
  if (bundled == null) {
    console.error(
      `moltmesh needs Node.js >= 22.18 (this is ${process.version}). Install a newer Node, or run ` +
        `\`npm install\` in ${packageRoot} to get the Node 24 it ships with.`,
    )
    process.exit(1)
  }
  const child = spawn(bundled, [main, ...process.argv.slice(2)], { stdio: 'inherit' })
  const forward = (signal) => child.kill(signal)
  // Ctrl-C on a terminal reaches the whole foreground process group, the child included; passing it
  // on as well would be a second SIGINT, which makes a foreground daemon skip its graceful shutdown.
  const forwarded = process.stdin.isTTY ? ['SIGTERM', 'SIGHUP'] : ['SIGINT', 'SIGTERM', 'SIGHUP']
  for (const signal of forwarded) process.on(signal, forward)
  if (process.stdin.isTTY) process.on('SIGINT', () => {})
  child.on('error', (err) => {
    console.error(`moltmesh: cannot run ${bundled}: ${err.message}`)
    process.exit(1)
  })
  child.on('exit', (code, signal) => {
    if (signal != null) {
      // Die of the same signal, so callers see what the CLI saw.
      process.removeAllListeners(signal)
      process.kill(process.pid, signal)
      return
    }
    process.exit(code ?? 1)
  })
}
