// Shared pieces of the mesh scenarios: a seeded random source (runs are repeatable), load and
// resource snapshots, and the result shape every scenario prints as one JSON line.
import { readFileSync } from 'node:fs'
import type { MeshCluster, ResourceSample } from '../../test/harness/mesh-cluster.ts'
import { round } from '../stats.ts'

export interface ScenarioResult {
  scenario: string
  hosts: number
  mode: string
  [figure: string]: unknown
}

export type Scenario = (cluster: MeshCluster, ctx: ScenarioContext) => Promise<ScenarioResult>

export interface ScenarioContext {
  random: () => number
  /** Scale knob from --queries (discovery/names) */
  queries: number
  log: (line: string) => void
}

/** mulberry32: small, seeded, good enough to pick hosts. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export function pick<T>(items: T[], random: () => number): T {
  return items[Math.floor(random() * items.length)]!
}

export function loadAverage(): number[] {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number)
}

/** CPU (% of one core) and wire bytes/s per daemon between two samples; RSS at the second. */
export function resourceDelta(before: ResourceSample[], after: ResourceSample[], seconds: number) {
  const prev = new Map(before.map((s) => [s.pid, s]))
  const cpu: number[] = []
  const bytes: number[] = []
  const rss: number[] = []
  for (const s of after) {
    rss.push(s.rssBytes)
    const p = prev.get(s.pid)
    if (p == null) continue
    cpu.push(((s.cpuSeconds - p.cpuSeconds) / seconds) * 100)
    if (s.rxBytes != null && p.rxBytes != null)
      bytes.push((s.rxBytes - p.rxBytes + (s.txBytes! - p.txBytes!)) / seconds)
  }
  const stats = (xs: number[], scale = 1, digits = 1) => {
    if (xs.length === 0) return null
    const sorted = [...xs].sort((a, b) => a - b)
    return {
      mean: round(sorted.reduce((s, x) => s + x, 0) / sorted.length / scale, digits),
      max: round(sorted.at(-1)! / scale, digits),
      total: round(sorted.reduce((s, x) => s + x, 0) / scale, digits),
    }
  }
  return {
    cpuPercentPerDaemon: stats(cpu),
    wireBytesPerSecondPerDaemon: stats(bytes, 1, 0),
    rssMiBPerDaemon: stats(rss, 1024 * 1024),
  }
}

export async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms))
}

/** Runs `fn` over `items` with at most `concurrency` in flight. */
export async function pool<T, R>(
  items: T[],
  concurrency: number,
  fn: (item: T, i: number) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length)
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++
        out[i] = await fn(items[i]!, i)
      }
    }),
  )
  return out
}
