// Runs the benchmarks in sequence (each prints one JSON line). `npm run bench [-- options] [name...]`.
//
// The regression guard (docs/benchmarks.md):
//   --save         writes every figure of this run to bench/results/<date>.json (merged with what that
//                  file already holds for other benchmarks)
//   --compare      prints each figure against the last saved one and flags a change beyond the noise
//   --runs N       runs each benchmark N times (figures are medians; their spread is the noise)
//   --noise F      the smallest relative change that is flagged (default 0.2; this machine's figures
//                  move by 10-50% between runs with other work on it)
//   BENCH_RESULTS  another directory for the saved figures (default bench/results)
// A figure is every number in a benchmark's JSON line except its inputs (counts and sizes, see
// INPUTS). Exit code 1 when a benchmark failed; --compare does not fail on a flagged figure (the
// machine's load moves figures): it prints them, with the load average of both runs, for a person.

import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { flattenFigures, judge, median, type SavedBench, type SavedRun } from './guard.ts'

const here = dirname(fileURLToPath(import.meta.url))
// Saved figures belong to a machine, so they are not committed (.gitignore); BENCH_RESULTS points
// several checkouts (git worktrees) at one directory, e.g. to compare a branch with main's figures.
const RESULTS = process.env.BENCH_RESULTS ?? join(here, 'results')
const HELPERS = new Set(['run.ts', 'stats.ts', 'guard.ts', 'bare-health-server.ts', 'daemon-pair.ts'])
const all = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && !HELPERS.has(f))
  .map((f) => f.replace(/\.ts$/, ''))

const args = process.argv.slice(2)
const flag = (name: string) => {
  const i = args.indexOf(name)
  if (i >= 0) args.splice(i, 1)
  return i >= 0
}
const option = (name: string, fallback: number) => {
  const i = args.indexOf(name)
  if (i < 0) return fallback
  const v = Number(args[i + 1])
  args.splice(i, 2)
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} needs a positive number`)
  return v
}
const save = flag('--save')
const compare = flag('--compare')
const runs = Math.floor(option('--runs', 1))
const noise = option('--noise', 0.2)
const unknown = args.filter((a) => a.startsWith('--'))
if (unknown.length > 0) {
  console.error(`unknown option ${unknown.join(', ')}; options: --save, --compare, --runs N, --noise F`)
  process.exit(2)
}

/** Runs one benchmark, echoing its output, and returns the JSON lines it printed. */
function runOne(name: string): Promise<{ ok: boolean; lines: Record<string, unknown>[] }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(here, `${name}.ts`)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let out = ''
    child.stdout.on('data', (d: Buffer) => {
      process.stdout.write(d)
      out += d.toString()
    })
    child.on('exit', (code) => {
      const lines: Record<string, unknown>[] = []
      for (const line of out.split('\n')) {
        if (!line.startsWith('{')) continue
        try {
          const parsed = JSON.parse(line) as Record<string, unknown>
          if (typeof parsed.bench === 'string') lines.push(parsed)
        } catch {
          // Not a result line.
        }
      }
      resolve({ ok: code === 0, lines })
    })
  })
}

function commit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: here, encoding: 'utf8' }).trim()
  } catch {
    return ''
  }
}

/** The saved files, newest first. */
function savedRuns(): Array<{ file: string; run: SavedRun }> {
  if (!existsSync(RESULTS)) return []
  return readdirSync(RESULTS)
    .filter((f) => /^\d{4}-\d{2}-\d{2}\.json$/.test(f))
    .sort()
    .reverse()
    .map((f) => ({ file: f, run: JSON.parse(readFileSync(join(RESULTS, f), 'utf8')) as SavedRun }))
}

const wanted = args.length > 0 ? args : all
const current: Record<string, SavedBench> = {}
for (const name of wanted) {
  if (!all.includes(name)) {
    console.error(`unknown benchmark ${name}; available: ${all.join(', ')}`)
    process.exitCode = 2
    continue
  }
  const samples: Record<string, number[]> = {}
  const loads: number[] = []
  for (let i = 0; i < runs; i++) {
    loads.push(loadavg()[0] ?? 0)
    const { ok, lines } = await runOne(name)
    if (!ok) process.exitCode = 1
    for (const line of lines)
      for (const [key, value] of Object.entries(flattenFigures(line))) {
        samples[key] ??= []
        samples[key].push(value)
      }
  }
  loads.push(loadavg()[0] ?? 0)
  if (Object.keys(samples).length === 0) console.error(`${name}: printed no JSON line with figures`)
  else
    current[name] = {
      at: new Date().toISOString(),
      commit: commit(),
      load: [Math.min(...loads), Math.max(...loads)],
      samples,
    }
}

if (compare) {
  const saved = savedRuns()
  for (const [name, now] of Object.entries(current)) {
    const base = saved.find((s) => s.run.benches[name] != null)
    if (base == null) {
      console.log(`\n${name}: nothing saved to compare with (npm run bench -- --save ${name})`)
      continue
    }
    const then = base.run.benches[name] as SavedBench
    const fmt = (l: number[]) => l.map((x) => x.toFixed(1)).join('-')
    console.log(
      `\n${name}: now (load ${fmt(now.load)}) vs ${base.file} at ${then.commit} (load ${fmt(then.load)}); noise floor ${noise * 100}%`,
    )
    for (const [key, values] of Object.entries(now.samples)) {
      const before = then.samples[key]
      if (before == null) {
        console.log(`  ${key.padEnd(44)} ${median(values)} (new)`)
        continue
      }
      const v = judge(key, before, values, noise)
      const pct = `${v.change >= 0 ? '+' : ''}${(v.change * 100).toFixed(0)}%`
      console.log(
        `  ${key.padEnd(44)} ${String(median(before)).padStart(10)} -> ${String(median(values)).padEnd(10)} ${pct.padStart(6)}  ${v.verdict}`,
      )
    }
  }
}

if (save && Object.keys(current).length > 0) {
  mkdirSync(RESULTS, { recursive: true })
  const file = join(RESULTS, `${new Date().toISOString().slice(0, 10)}.json`)
  const previous: SavedRun | undefined = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined
  const run: SavedRun = {
    node: process.version,
    cpus: cpus().length,
    benches: { ...previous?.benches, ...current },
  }
  writeFileSync(file, `${JSON.stringify(run, null, 2)}\n`)
  console.log(`\nsaved ${Object.keys(current).join(', ')} to ${file}`)
}
