// The fetch's receive ring: bytes come out in the order they went in, across the wrap-around, and it
// refuses more than its capacity.
import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { ReceiveRing } from '../../../daemon/artifacts/receive-ring.ts'

describe('receive ring', () => {
  it('returns what was pushed, in order, as at most two views, across many wrap-arounds', () => {
    const ring = new ReceiveRing(1000)
    const sent = randomBytes(20_000)
    const out: Buffer[] = []
    let pushed = 0
    // Pieces of uneven sizes, consumed in uneven steps, so the wrap point moves through pieces.
    for (let step = 0; pushed < sent.length || ring.pending > 0; step++) {
      const n = Math.min(sent.length - pushed, ring.free, 37 + ((step * 101) % 400))
      if (n > 0) {
        ring.push([
          sent.subarray(pushed, pushed + Math.floor(n / 2)),
          sent.subarray(pushed + Math.floor(n / 2), pushed + n),
        ])
        pushed += n
      }
      const views = ring.views()
      expect(views.length).toBeLessThanOrEqual(2)
      expect(views.reduce((s, v) => s + v.length, 0)).toBe(ring.pending)
      if (step % 3 !== 0) {
        out.push(...views.map((v) => Buffer.from(v)))
        ring.consume(ring.pending)
      }
    }
    expect(Buffer.concat(out).equals(sent)).toBe(true)
  })

  it('refuses a push past its capacity and a consume past what it holds', () => {
    const ring = new ReceiveRing(10)
    ring.push([new Uint8Array(8)])
    expect(ring.free).toBe(2)
    expect(() => ring.push([new Uint8Array(3)])).toThrow(RangeError)
    expect(() => ring.consume(9)).toThrow(RangeError)
    ring.consume(8)
    expect(ring.pending).toBe(0)
  })
})
