// Blob fetches ask for a major collection only when dead buffers pile up (the ArrayBuffer total
// PILE_UP above its low-water mark), one at a time, and never where `gc` is not exposed.
import { describe, expect, it } from 'vitest'
import { createFetchCollector } from '../../../daemon/artifacts/fetch-collector.ts'

describe('fetch collector', () => {
  it('collects when buffers pile up, not while V8 keeps up by itself, never two at once', async () => {
    const calls: unknown[] = []
    let finish: () => void = () => undefined
    const gc = (options?: unknown) => {
      calls.push(options)
      return new Promise<void>((r) => {
        finish = r
      })
    }
    let buffers = 10
    const c = createFetchCollector({ gc, arrayBuffers: () => buffers, checkEvery: 4, pileUp: 20 })
    // V8 collecting on its own: the total goes up and down, never 20 above its low.
    for (const level of [10, 25, 12, 28, 11]) {
      buffers = level
      c.received(4)
    }
    expect(calls).toHaveLength(0)
    // No collection by V8: the total climbs with the bytes received.
    buffers = 20
    c.received(2)
    expect(calls).toHaveLength(0) // not a check yet (2 of 4 bytes)
    buffers = 31
    c.received(2)
    expect(calls).toEqual([{ type: 'major', execution: 'async' }])
    // While it runs, more checks do not start another.
    buffers = 60
    c.received(40)
    expect(calls).toHaveLength(1)
    buffers = 15
    finish()
    await new Promise((r) => setTimeout(r, 0))
    // The low-water mark is what the collection left: 15, so 34 is not yet enough, 35 is.
    buffers = 34
    c.received(4)
    expect(calls).toHaveLength(1)
    buffers = 35
    c.received(4)
    expect(calls).toHaveLength(2)
    expect(c.collections).toBe(2)
  })

  it('does nothing without gc', () => {
    let read = 0
    const c = createFetchCollector({ gc: undefined, arrayBuffers: () => read++ * 1e9, checkEvery: 1 })
    for (let i = 0; i < 10; i++) c.received(1_000_000)
    expect(c.collections).toBe(0)
    expect(read).toBe(0)
  })
})
