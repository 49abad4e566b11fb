// The per-minute activity counter behind Diag.GetActivity: which events count where, minute
// boundaries, the hour-long ring (an hour-old slot reads 0, not its old count), late events.
import { describe, expect, it } from 'vitest'
import { createActivityCounter } from '../../../daemon/events/activity.ts'
import type { BusEvent } from '../../../daemon/events/event-bus.ts'

const MIN = 60_000

function setup(startMs: number) {
  let listener: (e: BusEvent) => void = () => undefined
  let now = startMs
  const counter = createActivityCounter({
    events: {
      subscribe: (l) => {
        listener = l
        return () => {
          listener = () => undefined
        }
      },
    },
    now: () => now,
  })
  return {
    counter,
    emit: (type: string, at = now) => listener({ type, at, data: {} } as unknown as BusEvent),
    setNow: (ms: number) => {
      now = ms
    },
  }
}

const counts = (c: ReturnType<typeof setup>['counter'], minutes: number) =>
  Object.fromEntries(c.read(minutes).series.map((s) => [s.name, s.counts]))

describe('activity counter', () => {
  it('counts messages, tasks and errors per minute, oldest first', () => {
    const t0 = 1_000 * MIN + 5_000
    const a = setup(t0)
    a.emit('message.received')
    a.emit('message.failed')
    a.emit('task.created')
    a.emit('peer.connected')
    a.setNow(t0 + 2 * MIN)
    a.emit('task.rejected')
    a.emit('network.broadcast')
    const read = a.counter.read(3)
    expect(read.startMs).toBe(1_000 * MIN)
    expect(read.sinceMs).toBe(t0)
    expect(counts(a.counter, 3)).toEqual({ messages: [2, 0, 0], tasks: [1, 0, 1], errors: [1, 0, 1] })
  })

  it('forgets minutes older than an hour, also when their slot is not reused', () => {
    const t0 = 5_000 * MIN
    const a = setup(t0)
    a.emit('message.received')
    a.setNow(t0 + 30 * MIN)
    expect(counts(a.counter, 60).messages?.[29]).toBe(1)
    // 60 minutes later the same ring slot belongs to a new minute: the old count must not show.
    a.setNow(t0 + 60 * MIN)
    expect(counts(a.counter, 60).messages?.every((n) => n === 0)).toBe(true)
    a.emit('message.received')
    a.emit('message.delivered')
    expect(counts(a.counter, 1).messages).toEqual([2])
    // An event stamped in the minute the slot held before is dropped rather than counted an hour late.
    a.emit('message.received', t0)
    expect(counts(a.counter, 1).messages).toEqual([2])
  })

  it('stops counting once stopped', () => {
    const a = setup(9_000 * MIN)
    a.emit('task.created')
    a.counter.stop()
    a.emit('task.created')
    expect(counts(a.counter, 1).tasks).toEqual([1])
  })
})
