import { describe, expect, it } from 'vitest'
import { GetBlobResponse } from '../../../clients/ts/gen/moltmesh/v1/a2a.ts'
import { createChunkBuffers } from '../../../daemon/rpc/chunk-buffers.ts'
import {
  BLOB_CHUNK_HEADROOM,
  encodeBlobChunkInPlace,
  onSentOf,
  passPreEncoded,
  preEncoded,
} from '../../../daemon/rpc/pre-encoded.ts'

/** A chunk of `length` bytes after BLOB_CHUNK_HEADROOM bytes of its own buffer, as the readers lay it out. */
function chunkWithHeadroom(length: number): Buffer {
  const buffer = Buffer.alloc(BLOB_CHUNK_HEADROOM + length)
  for (let i = 0; i < length; i++) buffer[BLOB_CHUNK_HEADROOM + i] = (i * 7) & 0xff
  return buffer.subarray(BLOB_CHUNK_HEADROOM)
}

describe('GetBlob chunks encoded in place', () => {
  const offsets = [0, 1, 127, 128, 16_383, 16_384, 2 ** 32 - 1, 2 ** 32 + 5, Number.MAX_SAFE_INTEGER]
  const lengths = [1, 127, 128, 16_384, 256 * 1024, 1024 * 1024]

  it('gives the bytes ts-proto gives, without copying the chunk', () => {
    for (const offset of offsets)
      for (const length of lengths) {
        const chunk = chunkWithHeadroom(length)
        const encoded = encodeBlobChunkInPlace(offset, chunk)
        const expected = Buffer.from(GetBlobResponse.encode({ offset, chunk, artifact: undefined }).finish())
        expect(encoded.equals(expected), `offset ${offset}, ${length} bytes`).toBe(true)
        expect(encoded.buffer).toBe(chunk.buffer)
      }
  })

  it('refuses a chunk without room before it', () => {
    expect(() => encodeBlobChunkInPlace(5, Buffer.alloc(10))).toThrow(/headroom/)
  })

  it('is sent as it is, and other responses are encoded as before', () => {
    const definition = passPreEncoded({ getBlob: GetBlobResponseMethod() })
    const chunk = chunkWithHeadroom(300)
    const sent = () => undefined
    const message = preEncoded(
      { offset: 9, chunk, artifact: undefined },
      encodeBlobChunkInPlace(9, chunk),
      sent,
    )
    const serialize = definition.getBlob.responseSerialize as (v: unknown) => Buffer
    expect(serialize(message).buffer).toBe(chunk.buffer)
    expect(onSentOf(message)).toBe(sent)
    const plain = { offset: 9, chunk: Buffer.from(chunk), artifact: undefined }
    expect(serialize(plain).equals(serialize(message))).toBe(true)
    expect(onSentOf(plain)).toBeUndefined()
  })
})

describe('chunk buffers', () => {
  it('hands a buffer out again once its chunk was sent, and takes in nothing else', () => {
    const pool = createChunkBuffers(1024)
    const first = pool.allocate(1024)
    const second = pool.allocate(100)
    expect(second.buffer).not.toBe(first.buffer)
    pool.release(first.subarray(17, 500))
    expect(pool.allocate(1024).buffer).toBe(first.buffer)
    // A view of memory the pool did not lend, or a buffer handed back twice, is not taken in.
    pool.release(Buffer.allocUnsafeSlow(1024))
    pool.release(first)
    pool.release(first)
    expect(pool.allocate(1024).buffer).toBe(first.buffer)
    expect(pool.allocate(1024).buffer).not.toBe(first.buffer)
    // More than the pooled size: a buffer of its own, exactly that size.
    expect(pool.allocate(2048).length).toBe(2048)
  })
})

function GetBlobResponseMethod() {
  return {
    path: '/moltmesh.v1.A2ANode/GetBlob',
    requestStream: false,
    responseStream: true,
    requestDeserialize: (b: Buffer) => b,
    responseSerialize: (v: GetBlobResponse) => Buffer.from(GetBlobResponse.encode(v).finish()),
  }
}
