// Gauges of the daemon process itself (not of any subsystem): memory and uptime.

import type { Metrics } from './metrics.ts'

export function registerProcessMetrics(metrics: Metrics, startedAt: number): void {
  metrics.gauge('process_resident_memory_bytes', 'Resident set size of the daemon process', () =>
    process.memoryUsage.rss(),
  )
  // With RSS: tells a retained JS heap (a leak to fix) from native memory (LevelDB caches, buffers).
  metrics.gauge('nodejs_heap_used_bytes', 'V8 heap in use', () => process.memoryUsage().heapUsed)
  metrics.gauge(
    'nodejs_external_memory_bytes',
    'Memory of buffers and other objects outside the V8 heap',
    () => process.memoryUsage().external + process.memoryUsage().arrayBuffers,
  )
  metrics.gauge(
    'moltmesh_uptime_seconds',
    'Seconds since the daemon started',
    () => (Date.now() - startedAt) / 1000,
  )
}
