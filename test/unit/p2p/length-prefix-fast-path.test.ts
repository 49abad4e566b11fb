// Noise's frame decoder with the fast path: the same frames come out of any split of the bytes, and
// the length decoder is never asked to read an empty buffer (that is where it threw a fresh error).
import { LengthPrefixedDecoder, type LengthPrefixedDecoderInit } from '@libp2p/utils'
import { Uint8ArrayList } from 'uint8arraylist'
import { describe, expect, it } from 'vitest'
import {
  installLengthPrefixFastPath,
  lengthPrefixFastPathInstalled,
  skipEmpty,
} from '../../../daemon/p2p/length-prefix-fast-path.ts'

/** Noise's prefix: a 2-byte big-endian length; a RangeError while fewer than 2 bytes are there. */
type Prefixed = Parameters<NonNullable<LengthPrefixedDecoderInit['lengthDecoder']>>[0]

function uint16Decoder(calls: number[]) {
  return (data: Prefixed) => {
    calls.push(data.byteLength)
    if (data.byteLength < 2) throw new RangeError('Could not decode int16BE')
    return data instanceof Uint8Array ? (data[0]! << 8) | data[1]! : data.getUint16(0)
  }
}

const frame = (body: number[]) => Uint8Array.from([body.length >> 8, body.length & 0xff, ...body])

function decodeAll(chunks: Uint8Array[], calls: number[]): number[][] {
  const decoder = new LengthPrefixedDecoder({
    lengthDecoder: uint16Decoder(calls),
    encodingLength: () => 2,
  })
  const out: number[][] = []
  for (const c of chunks) for (const f of decoder.decode(c)) out.push([...f.subarray()])
  return out
}

describe('length prefix fast path', () => {
  const bodies = [[1, 2, 3], [4], [5, 6, 7, 8, 9], Array.from({ length: 300 }, (_, i) => i & 0xff)]
  const bytes = Uint8Array.from(bodies.flatMap((b) => [...frame(b)]))

  it('yields the same frames for every split, never decoding an empty buffer', () => {
    installLengthPrefixFastPath()
    expect(lengthPrefixFastPathInstalled()).toBe(true)
    installLengthPrefixFastPath() // a second install changes nothing
    for (const size of [1, 2, 3, 7, 64, bytes.length]) {
      const chunks: Uint8Array[] = []
      for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size))
      const calls: number[] = []
      expect(decodeAll(chunks, calls)).toEqual(bodies)
      expect(calls).not.toContain(0)
      // A chunk that ends inside a prefix still goes to the real decoder (and waits for more).
      if (size === 1) expect(calls).toContain(1)
    }
  })

  it('answers an empty buffer with one shared RangeError, and passes others through', () => {
    const inner = (d: { byteLength: number }) => d.byteLength * 10
    const fast = skipEmpty(inner)
    const errors = [0, 0].map(() => {
      try {
        fast(new Uint8ArrayList())
      } catch (err) {
        return err
      }
      return undefined
    })
    expect(errors[0]).toBeInstanceOf(RangeError)
    expect(errors[1]).toBe(errors[0])
    expect(fast(new Uint8ArrayList(Uint8Array.of(1, 2)))).toBe(20)
  })
})
