// The zero-copy chunk path writes and reads exactly the protobuf encoding of BlobFrame{chunk}.

import { Uint8ArrayList } from 'uint8arraylist'
import { describe, expect, it } from 'vitest'
import {
  type BlobFrame,
  chunkFrameHead,
  decodeBlobFrame,
  encodeBlobFrame,
  type FrameBytes,
  readChunkFrame,
} from '../../../daemon/wire/blob-codec.ts'

/** A buffer list as a stream read returns it (the same class, possibly another copy of the package). */
const listOf = (...buffers: Uint8Array[]) => new Uint8ArrayList(...buffers) as unknown as FrameBytes

/** Splits the unsigned-varint length prefix off a framed buffer. */
function unframe(bytes: Uint8Array): { length: number; body: Uint8Array } {
  let length = 0
  let shift = 0
  let i = 0
  for (; ; i++) {
    length += (bytes[i]! & 0x7f) * 2 ** shift
    shift += 7
    if ((bytes[i]! & 0x80) === 0) break
  }
  return { length, body: bytes.subarray(i + 1) }
}

describe('blob chunk frames', () => {
  it.each([
    [0, 0],
    [0, 5],
    [1, 300],
    [123_456_789, 70_000],
    [2 ** 40 + 3, 1024 * 1024],
  ])('offset %i, %i bytes: head + data == length prefix + generated encoding', (offset, size) => {
    const data = Buffer.alloc(size, 0xab)
    const framed = Buffer.concat([chunkFrameHead(offset, size), data])
    const { length, body } = unframe(framed)
    expect(length).toBe(body.length)
    const decoded = decodeBlobFrame(body)
    expect(decoded.chunk?.offset).toBe(offset)
    expect(Buffer.from(decoded.chunk!.data).equals(data)).toBe(true)
    if (size > 0)
      expect(Buffer.from(body).equals(Buffer.from(encodeBlobFrame({ chunk: { offset, data } })))).toBe(true)

    // The generated encoding, split across buffers as the network delivers it, reads without copies.
    const generated = encodeBlobFrame({ chunk: { offset, data } })
    const pieces: Uint8Array[] = []
    for (let at = 0; at < generated.length; at += 7_000) pieces.push(generated.subarray(at, at + 7_000))
    const list = listOf(...pieces)
    const fast = readChunkFrame(list)
    if (size === 0) {
      expect(fast).toBeUndefined() // no data field: the generic decoder handles it
    } else {
      expect(fast?.offset).toBe(offset)
      expect(fast?.data.byteLength).toBe(size)
      expect(Buffer.from(fast!.data.subarray()).equals(data)).toBe(true)
    }
  })

  it('leaves every other frame to the generated decoder', () => {
    for (const frame of [
      { header: { status: 1, size: 10, mediaType: 'x', name: 'y', reason: '' } },
      { request: { cid: 'bafk', offset: 3, window: 5 } },
      { credit: { bytes: 9 } },
    ] satisfies Array<Partial<BlobFrame>>) {
      expect(readChunkFrame(listOf(encodeBlobFrame(frame)))).toBeUndefined()
    }
    // A chunk frame with trailing bytes, or truncated, is not taken by the fast path either.
    const chunk = encodeBlobFrame({ chunk: { offset: 1, data: Buffer.alloc(10, 1) } })
    expect(readChunkFrame(listOf(chunk, new Uint8Array([8, 1])))).toBeUndefined()
    expect(readChunkFrame(listOf(chunk.subarray(0, chunk.length - 1)))).toBeUndefined()
    expect(readChunkFrame(listOf(new Uint8Array([34])))).toBeUndefined()
  })
})
