// The short human table printed after the JSON lines (stderr, so stdout stays machine-readable).
import type { ScenarioResult } from './common.ts'

function headline(r: ScenarioResult): string {
  // biome-ignore lint/suspicious/noExplicitAny: scenario figures are free-form JSON
  const f = r as Record<string, any>
  switch (r.scenario) {
    case 'startup':
      return `${f.startSeconds} s to start; RSS ${f.rssMiBPerDaemon?.mean} MiB/daemon`
    case 'discovery':
      return `unique ${pct(f.unique.foundFraction)} found, p50 ${ms(f.unique.latencyMs.p50)}, p99 ${ms(f.unique.latencyMs.p99)}; shared ${pct(f.shared.foundFraction)}, last at p50 ${ms(f.shared.timeToLastMs.p50)}`
    case 'names':
      return `${pct(f.resolvedFraction)} resolved, p50 ${ms(f.latencyMs.p50)}, p99 ${ms(f.latencyMs.p99)}; every host asking: ${pct(f.sweep?.resolvedFraction)}`
    case 'broadcast':
      return `${pct(f.deliveredFraction)} delivered; to all p50 ${ms(f.timeToAllMs.p50)}, p99 ${ms(f.timeToAllMs.p99)}; ${f.sustained.rate}/s: ${pct(f.sustained.deliveredFraction)}`
    case 'messages':
      return `${f.delivered}/${f.sent} delivered, ${f.duplicates} duplicates, p50 ${ms(f.sendLatencyMs.p50)}`
    case 'idle':
      return `CPU ${f.resources.cpuPercentPerDaemon?.mean}%/daemon, ${f.resources.wireBytesPerSecondPerDaemon?.mean ?? '-'} B/s/daemon`
    case 'churn':
      return `discovery back to ${pct(f.discoveryAfter.foundFraction)} after ${f.recoveredAfterSeconds ?? '-'} s; dead shown connected ${f.deadReturnedConnected}; catch-up lost ${f.catchUp.lost}, dup ${f.catchUp.duplicates}`
    case 'mdns':
      return `${pct(f.foundFraction)} of hosts found each other with no bootstrap after ${f.seconds} s`
    default:
      return ''
  }
}

const pct = (x: number | undefined) => (x == null ? '-' : `${Math.round(x * 1000) / 10}%`)
const ms = (x: number | undefined) => (x == null ? '-' : `${Math.round(x)} ms`)

export function printTable(results: ScenarioResult[]): void {
  const rows = results.map((r) => [r.scenario, String(r.hosts), r.mode, headline(r)])
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((row) => row[i]!.length), 8))
  console.error('')
  for (const row of [['scenario', 'hosts', 'mode', 'result'], ...rows])
    console.error(row.map((c, i) => (i < 3 ? c.padEnd(widths[i]!) : c)).join('  '))
}
