// Event type filters shared by WatchEvents and webhooks: "message.received" matches itself,
// "message.*" every message event, "*" (or no pattern) everything.

import { invalidArgument } from '../errors/moltmesh-error.ts'

const PATTERN = /^[a-z_]+(\.[a-z_]+)*(\.\*)?$|^\*$/

export function eventMatcher(patterns: string[]): (type: string) => boolean {
  for (const p of patterns) {
    if (!PATTERN.test(p))
      throw invalidArgument(
        'INVALID_EVENT_FILTER',
        `"${p}" is not an event type or prefix (e.g. "message.*")`,
      )
  }
  if (patterns.length === 0 || patterns.includes('*')) return () => true
  return (type) => patterns.some((p) => (p.endsWith('.*') ? type.startsWith(p.slice(0, -1)) : type === p))
}
