// Responses the adapter has already serialized. GetBlob sends each chunk as a GetBlobResponse written
// around it in place (the reader leaves room before it), instead of letting ts-proto encode it: that
// copied every chunk twice (BinaryWriter.finish(), then Buffer.from()) before grpc-js copied it a third
// time into its frame. Those copies were garbage that only a GC frees, and V8 lets tens of MiB of
// dead buffers pile up before it collects them; streaming 100 MiB made B's resident memory swing by
// up to ~80 MiB (test/integration/artifacts.test.ts, notes of issue 19f). A message can also carry
// what to do once it is sent, so its buffer is reused (chunk-buffers.ts).

import type { MethodDefinitionLike } from './service-types.ts'

const ENCODED = Symbol('pre-encoded response')
const SENT = Symbol('after the response is sent')

/** Bytes GetBlobResponse needs before a chunk: offset (tag + varint64) and chunk (tag + varint32). */
export const BLOB_CHUNK_HEADROOM = 1 + 10 + 1 + 5

/**
 * `message` carrying its own serialization, which the server sends instead of encoding it, and what
 * to call once grpc-js has sent it (and so no longer reads `bytes`).
 */
export function preEncoded<T extends object>(message: T, bytes: Buffer, onSent?: () => void): T {
  return Object.assign(message, { [ENCODED]: bytes, [SENT]: onSent })
}

/** The write callback for a response: its `onSent`, if it has one. */
export const onSentOf = (response: unknown): (() => void) | undefined =>
  (response as { [SENT]?: () => void } | null)?.[SENT]

/** The definition, with every response that carries its serialization sent as it is. */
export function passPreEncoded<S extends Record<string, MethodDefinitionLike>>(definition: S): S {
  const out: Record<string, MethodDefinitionLike> = {}
  for (const [name, method] of Object.entries(definition)) {
    const serialize = method.responseSerialize as (value: unknown) => Buffer
    out[name] = {
      ...method,
      responseSerialize: ((value: unknown) =>
        (value as { [ENCODED]?: Buffer })[ENCODED] ??
        serialize(value)) as MethodDefinitionLike['responseSerialize'],
    }
  }
  return out as S
}

const varintLength = (n: number) => {
  let length = 1
  for (; n >= 0x80; n = Math.floor(n / 0x80)) length++
  return length
}

function writeVarint(to: Buffer, at: number, n: number): number {
  for (; n >= 0x80; n = Math.floor(n / 0x80)) to[at++] = (n % 0x80) | 0x80
  to[at++] = n
  return at
}

/**
 * GetBlobResponse { offset = 1; chunk = 2 } as bytes, written in place in the BLOB_CHUNK_HEADROOM
 * bytes before `chunk`, which must be its reader's own (blob-files.ts `headroom`). Same bytes as
 * ts-proto's encoding (offset 0 is omitted); `offset` is a non-negative safe integer.
 */
export function encodeBlobChunkInPlace(offset: number, chunk: Uint8Array): Buffer {
  const header = (offset === 0 ? 0 : 1 + varintLength(offset)) + 1 + varintLength(chunk.length)
  if (chunk.byteOffset < header) throw new Error('a blob chunk without headroom cannot be encoded in place')
  const out = Buffer.from(chunk.buffer, chunk.byteOffset - header, header + chunk.length)
  let at = 0
  if (offset !== 0) {
    out[at++] = 0x08 // field 1, varint
    at = writeVarint(out, at, offset)
  }
  out[at++] = 0x12 // field 2, length-delimited
  writeVarint(out, at, chunk.length)
  return out
}
