// `npm run sim -- [--short|--long] [--seeds N] [--from S] [--seed S] [--verbose]`
// Runs the Raft simulation over many seeds (default 1000 short runs from seed 1), or replays one seed
// with --seed. Exits non-zero when any seed fails and prints each failure with its replay command.

import { describeFailure, type RunShape, runSeed } from './sim/scenarios.ts'

function arg(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`)
  return at >= 0 ? process.argv[at + 1] : undefined
}

const shape: RunShape = process.argv.includes('--long') ? 'long' : 'short'
const single = arg('seed')
const from = Number(arg('from') ?? 1)
const count = single != null ? 1 : Number(arg('seeds') ?? 1000)
const verbose = process.argv.includes('--verbose') || single != null
const seeds = single != null ? [Number(single)] : Array.from({ length: count }, (_, i) => from + i)

const started = performance.now()
const totals: Record<string, number> = {}
let failed = 0
for (const seed of seeds) {
  const result = runSeed(shape, seed)
  for (const [k, v] of Object.entries(result.stats)) totals[k] = (totals[k] ?? 0) + v
  if (result.violations.length > 0 || result.liveness.length > 0) {
    failed++
    console.log(describeFailure(shape, result))
    if (single != null) for (const line of result.statuses) console.log(`  ${line}`)
  } else if (verbose) {
    console.log(`seed ${seed} (${shape}) ok: ${JSON.stringify(result.stats)}`)
  }
}
const ms = performance.now() - started
console.log(
  `${seeds.length} ${shape} runs, ${failed} failed, ${ms.toFixed(0)} ms (${(ms / seeds.length).toFixed(1)} ms/run)`,
)
console.log(`totals: ${JSON.stringify(totals)}`)
process.exitCode = failed > 0 ? 1 : 0
