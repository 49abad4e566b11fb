// Samples a daemon's Health RPC back to back while an attack runs, to show that the daemon keeps
// answering. Tests assert only that every call was answered; the latencies are printed (speed is
// measured, never asserted in timed tests) and recorded in docs/security.md.

import type { DaemonProcess } from './daemon-process.ts'

export interface HealthSample {
  calls: number
  failures: number
  p50Ms: number
  p99Ms: number
  maxMs: number
}

export function sampleHealth(d: DaemonProcess, label: string, intervalMs = 10) {
  const latencies: number[] = []
  let failures = 0
  let running = true
  const loop = (async () => {
    while (running) {
      const t0 = performance.now()
      try {
        // A frozen event loop shows up as a timeout here.
        await d.client.diag.health({}, { deadlineMs: 5_000 })
        latencies.push(performance.now() - t0)
      } catch {
        failures++
      }
      await new Promise((r) => setTimeout(r, intervalMs))
    }
  })()
  return {
    async stop(): Promise<HealthSample> {
      running = false
      await loop
      const sorted = [...latencies].sort((x, y) => x - y)
      const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0
      const sample = {
        calls: latencies.length + failures,
        failures,
        p50Ms: Number(at(0.5).toFixed(2)),
        p99Ms: Number(at(0.99).toFixed(2)),
        maxMs: Number((sorted.at(-1) ?? 0).toFixed(2)),
      }
      console.log(`health during ${label}: ${JSON.stringify(sample)}`)
      return sample
    },
  }
}
