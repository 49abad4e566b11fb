// Event counts per minute for the last hour, kept from the daemon's start: what the workspace's
// Overview sparklines and `moltmesh activity` show (Diag.GetActivity). A page opened later still sees
// the hour before it; a client that only watches events would see nothing from before it connected.
//
// Counted from the event bus, so anything that emits an event is counted the same way WatchEvents and
// webhooks see it: `messages` = message.* events (received, delivered, expired, failed), `tasks` =
// task.* events, `errors` = *.failed, *.expired and *.rejected events of any subsystem.

import type { BusEvent, EventBus } from './event-bus.ts'

export const ACTIVITY_MINUTES = 60
const MINUTE_MS = 60_000

export const ACTIVITY_SERIES = ['messages', 'tasks', 'errors'] as const
export type ActivitySeriesName = (typeof ACTIVITY_SERIES)[number]

function seriesOf(type: string): ActivitySeriesName[] {
  const out: ActivitySeriesName[] = []
  if (type.startsWith('message.')) out.push('messages')
  if (type.startsWith('task.')) out.push('tasks')
  if (type.endsWith('.failed') || type.endsWith('.expired') || type.endsWith('.rejected')) out.push('errors')
  return out
}

export interface Activity {
  /** Start of the first minute returned (a whole minute, Unix ms). */
  startMs: number
  /** When counting began (the daemon's start); minutes before it are 0 because nothing was counted. */
  sinceMs: number
  series: Array<{ name: ActivitySeriesName; counts: number[] }>
}

export function createActivityCounter(c: { events: Pick<EventBus, 'subscribe'>; now?: () => number }) {
  const now = c.now ?? Date.now
  const sinceMs = now()
  // One ring of per-minute counts per series; `minuteOf[slot]` says which minute a slot holds, so a
  // slot left over from an hour ago reads as 0 instead of being cleared by a timer.
  const counts = new Map<ActivitySeriesName, number[]>(
    ACTIVITY_SERIES.map((name) => [name, new Array(ACTIVITY_MINUTES).fill(0)]),
  )
  const minuteOf = new Array<number>(ACTIVITY_MINUTES).fill(-1)

  function count(event: BusEvent): void {
    const names = seriesOf(event.type)
    if (names.length === 0) return
    const minute = Math.floor(event.at / MINUTE_MS)
    const slot = minute % ACTIVITY_MINUTES
    const held = minuteOf[slot] ?? -1
    if (held !== minute) {
      if (minute < held) return // older than the hour this slot now holds
      minuteOf[slot] = minute
      for (const ring of counts.values()) ring[slot] = 0
    }
    for (const name of names) {
      const ring = counts.get(name) as number[]
      ring[slot] = (ring[slot] ?? 0) + 1
    }
  }

  const unsubscribe = c.events.subscribe(count)

  return {
    /** The last `minutes` minutes (1-60), oldest first; the last one is the current, partial minute. */
    read(minutes: number): Activity {
      const current = Math.floor(now() / MINUTE_MS)
      const first = current - minutes + 1
      return {
        startMs: first * MINUTE_MS,
        sinceMs,
        series: ACTIVITY_SERIES.map((name) => {
          const ring = counts.get(name) as number[]
          return {
            name,
            counts: Array.from({ length: minutes }, (_, i) => {
              const minute = first + i
              const slot = minute % ACTIVITY_MINUTES
              return minuteOf[slot] === minute ? (ring[slot] ?? 0) : 0
            }),
          }
        }),
      }
    },
    stop: unsubscribe,
  }
}

export type ActivityCounter = ReturnType<typeof createActivityCounter>
