// commander argument parser for durations: "30s", "2m", "1h", "1500ms" or plain milliseconds.
import { InvalidArgumentError } from 'commander'

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }

export function parseDuration(value: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim())
  if (m == null) throw new InvalidArgumentError('expected a duration like 30s, 2m, 1h or 1500ms')
  return Math.round(Number(m[1]) * (UNITS[m[2] ?? 'ms'] as number))
}
