#!/usr/bin/env node
// Launcher for the `moltmesh` bin. The CLI is TypeScript run by Node's type stripping (Node >= 22.18,
// or 23.6+). On an older Node (e.g. a system Node 20) it re-runs itself with the Node 24 binary that
// the package installs as a devDependency.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const main = join(here, '..', 'main.ts')
const [major, minor] = process.versions.node.split('.').map(Number)
const stripsTypes = major >= 24 || (major === 23 && minor >= 6) || (major === 22 && minor >= 18)

if (stripsTypes) {
  await import(main)
} else {
  const bundled = join(here, '..', '..', 'node_modules', 'node', 'bin', 'node')
  if (!existsSync(bundled)) {
    console.error(
      `moltmesh needs Node.js >= 22.18 (this is ${process.version}); run \`npm install\` in the package to get Node 24`,
    )
    process.exit(1)
  }
  const child = spawn(bundled, [main, ...process.argv.slice(2)], { stdio: 'inherit' })
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
  child.on('exit', (code, signal) => process.exit(code ?? (signal === 'SIGINT' ? 130 : 1)))
}
