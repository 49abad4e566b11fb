// The regression guard's arithmetic (bench/run.ts --save / --compare): which numbers of a benchmark's
// JSON line are figures, which way is better for each, and whether a change is beyond the noise.

export interface SavedBench {
  /** When it ran, the commit it ran on, and the 1-minute load average before and after (min, max). */
  at: string
  commit: string
  load: [number, number]
  /** Figure path (e.g. `latencyMs.p50`) -> one value per run. */
  samples: Record<string, number[]>
}

export interface SavedRun {
  node: string
  cpus: number
  benches: Record<string, SavedBench>
}

/** Numbers that are a benchmark's inputs (counts, sizes, settings), not its results. */
const INPUTS = new Set([
  'runs',
  'n',
  'messages',
  'tasks',
  'events',
  'daemons',
  'blobMiB',
  'concurrency',
  'idleAfterMs',
  'samples',
  'members',
  'hosts',
  'queries',
])

/** Every result number of a JSON line, keyed by its path (`latencyMs.p50`); strings and inputs are left out. */
export function flattenFigures(line: Record<string, unknown>, prefix = ''): Record<string, number> {
  const out: Record<string, number> = {}
  for (const [key, value] of Object.entries(line)) {
    const path = prefix === '' ? key : `${prefix}.${key}`
    if (typeof value === 'number') {
      if (!INPUTS.has(key) && Number.isFinite(value)) out[path] = value
    } else if (value != null && typeof value === 'object' && !Array.isArray(value))
      Object.assign(out, flattenFigures(value as Record<string, unknown>, path))
  }
  return out
}

/** Which way is better for a figure, told by its name: rates and ratios up, times and memory down. */
export function betterWhen(path: string): 'higher' | 'lower' | 'unknown' {
  if (/per ?sec|persecond|\/s|ratio|throughput|found|reached/i.test(path)) return 'higher'
  if (/ms\b|ms\.|Ms|latency|rss|mb\b|Mb|p50|p99|mean|bytes|cpu/i.test(path)) return 'lower'
  return 'unknown'
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b)
  if (s.length === 0) return Number.NaN
  const mid = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2
}

/** (max - min) / median: how far the runs of one side spread. */
export function spread(values: number[]): number {
  const m = median(values)
  if (values.length < 2 || m === 0) return 0
  return (Math.max(...values) - Math.min(...values)) / Math.abs(m)
}

export interface Verdict {
  /** Relative change of the medians, (now - before) / before. */
  change: number
  /** The change that counts as noise here: the larger spread of either side, at least the floor. */
  noise: number
  verdict: 'same' | 'better' | 'WORSE' | 'changed'
}

/** Compares the runs of a figure now with the saved ones. */
export function judge(path: string, before: number[], now: number[], floor: number): Verdict {
  const b = median(before)
  const n = median(now)
  const change = b === 0 ? (n === 0 ? 0 : Math.sign(n)) : (n - b) / Math.abs(b)
  const noise = Math.max(floor, spread(before), spread(now))
  if (Math.abs(change) <= noise) return { change, noise, verdict: 'same' }
  const dir = betterWhen(path)
  if (dir === 'unknown') return { change, noise, verdict: 'changed' }
  const up = change > 0
  return { change, noise, verdict: up === (dir === 'higher') ? 'better' : 'WORSE' }
}
