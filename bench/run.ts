// Runs every benchmark in sequence (each prints one JSON line). `npm run bench [-- name...]`.
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const HELPERS = new Set(['run.ts', 'stats.ts', 'bare-health-server.ts', 'daemon-pair.ts'])
const all = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && !HELPERS.has(f))
  .map((f) => f.replace(/\.ts$/, ''))
const wanted = process.argv.slice(2)
for (const name of wanted.length > 0 ? wanted : all) {
  if (!all.includes(name)) {
    console.error(`unknown benchmark ${name}; available: ${all.join(', ')}`)
    process.exitCode = 2
    continue
  }
  const res = spawnSync(process.execPath, [join(here, `${name}.ts`)], { stdio: 'inherit' })
  if (res.status !== 0) process.exitCode = 1
}
