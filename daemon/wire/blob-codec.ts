// Frames of /moltmesh/blob/1.0.0 (daemon-to-daemon blob transfer, never exposed to clients). See
// proto/moltmesh/wire/v1/blob.proto for the exchange and its credit-based flow control.
//
// Chunk frames carry almost every byte, so they have a zero-copy path: the sender writes a small head
// (stream length prefix, frame and chunk tags, offset, data length) followed by the content buffer as
// it is, and the receiver reads the head and keeps the content as the list of buffers it arrived in
// (hashed and written to disk with writev, never concatenated). Both produce and accept exactly the
// protobuf encoding of BlobFrame{chunk}; anything else goes through the generated codec.

import { BinaryReader, BinaryWriter } from '@bufbuild/protobuf/wire'
import type { LengthPrefixedStream } from '@libp2p/utils'
import {
  type BlobChunk,
  BlobFrame,
  type BlobHeader,
  type BlobRequest,
  BlobStatus,
} from './gen/moltmesh/wire/v1/blob.ts'

export type { BlobChunk, BlobHeader, BlobRequest }
export { BlobFrame, BlobStatus }

export const BLOB_PROTOCOL = '/moltmesh/blob/1.0.0'

/** Largest content in one chunk frame. */
export const BLOB_CHUNK_MAX_BYTES = 1024 * 1024
/** Largest frame either side accepts: a full chunk plus the frame's own fields. */
export const BLOB_FRAME_MAX_BYTES = BLOB_CHUNK_MAX_BYTES + 1024

/** Bytes as a length-prefixed stream returns them: a list of buffers. */
export type FrameBytes = Awaited<ReturnType<LengthPrefixedStream['read']>>

// Field tags (field number << 3 | wire type) of the chunk path.
const TAG_FRAME_CHUNK = (4 << 3) | 2
const TAG_CHUNK_OFFSET = (1 << 3) | 0
const TAG_CHUNK_DATA = (2 << 3) | 2
/** Longest head: frame tag + length, offset tag + 10-byte varint, data tag + length. */
const MAX_HEAD_BYTES = 32

export function encodeBlobFrame(frame: Partial<BlobFrame>): Uint8Array {
  return BlobFrame.encode(BlobFrame.fromPartial(frame)).finish()
}

export function decodeBlobFrame(bytes: Uint8Array): BlobFrame {
  return BlobFrame.decode(bytes)
}

function varintLength(n: number): number {
  return new BinaryWriter().uint32(n).finish().length
}

/**
 * What precedes a chunk's content on the stream: the unsigned-varint frame length, then the protobuf
 * encoding of BlobFrame{chunk: {offset, data}} up to the first byte of data.
 */
export function chunkFrameHead(offset: number, dataLength: number): Uint8Array {
  const inner = new BinaryWriter()
  if (offset !== 0) inner.uint32(TAG_CHUNK_OFFSET).int64(offset)
  inner.uint32(TAG_CHUNK_DATA).uint32(dataLength)
  const innerHead = inner.finish()
  const chunkLength = innerHead.length + dataLength
  const frameLength = 1 + varintLength(chunkLength) + chunkLength
  return new BinaryWriter()
    .uint32(frameLength)
    .uint32(TAG_FRAME_CHUNK)
    .uint32(chunkLength)
    .raw(innerHead)
    .finish()
}

/**
 * Reads a frame that is exactly one chunk without copying its content. Returns undefined for any
 * other frame (or another field layout), which the caller decodes with decodeBlobFrame.
 */
export function readChunkFrame(frame: FrameBytes): { offset: number; data: FrameBytes } | undefined {
  try {
    const r = new BinaryReader(frame.subarray(0, Math.min(MAX_HEAD_BYTES, frame.byteLength)))
    if (r.uint32() !== TAG_FRAME_CHUNK) return undefined
    const chunkLength = r.uint32()
    if (r.pos + chunkLength !== frame.byteLength) return undefined
    let offset = 0
    let tag = r.uint32()
    if (tag === TAG_CHUNK_OFFSET) {
      offset = Number(r.int64())
      tag = r.uint32()
    }
    if (tag !== TAG_CHUNK_DATA || !Number.isSafeInteger(offset)) return undefined
    const dataLength = r.uint32()
    if (r.pos + dataLength !== frame.byteLength) return undefined
    return { offset, data: frame.sublist(r.pos) }
  } catch {
    // The head ran past the bytes read: not the layout this path knows.
    return undefined
  }
}
