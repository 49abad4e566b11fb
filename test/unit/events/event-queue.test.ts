// The event queue behind every live stream: buffered while the consumer is busy, ended by close or
// abort, and bounded — a consumer too far behind gets what was buffered, then SLOW_CONSUMER.
import { EventEmitter } from 'node:events'
import { describe, expect, it } from 'vitest'
import { MoltmeshError } from '../../../daemon/errors/moltmesh-error.ts'
import { eventQueue } from '../../../daemon/events/event-queue.ts'

function source() {
  const emitter = new EventEmitter()
  const register = (push: (n: number) => void) => {
    emitter.on('item', push)
    return () => emitter.off('item', push)
  }
  return { emitter, register, emit: (n: number) => emitter.emit('item', n) }
}

async function drain<T>(it: AsyncIterable<T>): Promise<{ items: T[]; error?: unknown }> {
  const items: T[] = []
  try {
    for await (const item of it) items.push(item)
  } catch (error) {
    return { items, error }
  }
  return { items }
}

describe('eventQueue', () => {
  it('delivers what arrived before and during iteration, in order, until closed', async () => {
    const s = source()
    const q = eventQueue(s.register, new AbortController().signal)
    s.emit(1)
    s.emit(2)
    const got: number[] = []
    for await (const n of q) {
      got.push(n)
      if (n === 2) s.emit(3)
      if (n === 3) q.close()
    }
    expect(got).toEqual([1, 2, 3])
    expect(s.emitter.listenerCount('item')).toBe(0)
  })

  it('ends at once on abort, dropping what is still buffered', async () => {
    const s = source()
    const abort = new AbortController()
    const q = eventQueue(s.register, abort.signal)
    s.emit(1)
    abort.abort()
    expect(await drain(q)).toEqual({ items: [] })
    expect(s.emitter.listenerCount('item')).toBe(0)
  })

  it('a consumer more than maxBuffered behind gets the buffered items, then SLOW_CONSUMER', async () => {
    const s = source()
    const q = eventQueue(s.register, new AbortController().signal, 3)
    for (let n = 1; n <= 10; n++) s.emit(n)
    // It stopped listening at the overflow: nothing more is buffered or kept alive.
    expect(s.emitter.listenerCount('item')).toBe(0)
    const { items, error } = await drain(q)
    expect(items).toEqual([1, 2, 3])
    expect(error).toBeInstanceOf(MoltmeshError)
    expect((error as MoltmeshError).reason).toBe('SLOW_CONSUMER')
    expect((error as MoltmeshError).kind).toBe('resource_exhausted')
  })
})
