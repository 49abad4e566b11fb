// Output helpers: aligned "Label  value" blocks like the product examples, durations, JSON.

import { safeText } from './terminal-safe.ts'

export function printJson(value: unknown): void {
  console.log(
    JSON.stringify(
      value,
      (_key, v) =>
        v instanceof Uint8Array
          ? Buffer.from(v).toString('base64')
          : typeof v === 'bigint'
            ? v.toString()
            : v,
      2,
    ),
  )
}

/** Prints label/value rows with the labels padded to one column. Array values continue on new lines. */
export function printFields(rows: Array<[string, string | number | boolean | string[] | undefined]>): void {
  const width = Math.max(...rows.map(([label]) => label.length)) + 2
  for (const [label, value] of rows) {
    if (value === undefined) continue
    const lines = Array.isArray(value) ? (value.length > 0 ? value : ['(none)']) : [String(value)]
    lines.forEach((line, i) => {
      // Values may come from peers: a newline or escape sequence in one must not forge rows.
      console.log(`${(i === 0 ? label : '').padEnd(width)}${safeText(line)}`)
    })
  }
}

/** 151000 -> "2m 31s"; 15128000 -> "4h 12m 8s". */
export function formatDuration(ms: number): string {
  let s = Math.floor(ms / 1000)
  const d = Math.floor(s / 86_400)
  s -= d * 86_400
  const h = Math.floor(s / 3600)
  s -= h * 3600
  const m = Math.floor(s / 60)
  s -= m * 60
  const parts = [d > 0 ? `${d}d` : '', h > 0 ? `${h}h` : '', m > 0 ? `${m}m` : '', `${s}s`].filter(
    (p) => p !== '',
  )
  return parts.join(' ')
}

export function formatLatency(ms: number): string {
  if (ms <= 0) return '-'
  return ms < 10 ? `${ms.toFixed(2)}ms` : `${Math.round(ms)}ms`
}

/** Shortens long identifiers for one-line listings: did:key:z6MkhaXg…2doK */
export function shorten(id: string, keep = 12): string {
  return id.length <= keep * 2 + 1 ? id : `${id.slice(0, keep)}…${id.slice(-4)}`
}
