// When to try a delivery again: a fixed schedule of delays before each attempt (default now, 5 s,
// 5 min, 30 min, 2 h, 5 h, 10 h, 10 h: about 28 hours in all) with ±10% jitter, or the receiver's
// Retry-After when it asks for longer. After the last attempt the delivery is dead-lettered.

export const DEFAULT_SCHEDULE_MS = [
  0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000,
]

/** "0,5000,300000" -> [0, 5000, 300000]. */
export function parseSchedule(text: string): number[] {
  const delays = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number)
  if (delays.length === 0 || delays.some((d) => !Number.isInteger(d) || d < 0))
    throw new Error(`bad retry schedule "${text}"`)
  return delays
}

/** Delay before attempt number `attempt` (1-based), or undefined when the schedule is used up. */
export function delayBefore(schedule: number[], attempt: number, random = Math.random): number | undefined {
  const base = schedule[attempt - 1]
  if (base === undefined) return undefined
  return Math.round(base * (0.9 + 0.2 * random()))
}

/** Retry-After as milliseconds from now: delta-seconds or an HTTP date; undefined if absent or bad. */
export function retryAfterMs(header: string | string[] | undefined, nowMs = Date.now()): number | undefined {
  const value = Array.isArray(header) ? header[0] : header
  if (value == null || value.trim() === '') return undefined
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000
  const at = Date.parse(value)
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs)
}
