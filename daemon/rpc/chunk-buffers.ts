// The chunk buffers of one GetBlob call, reused once grpc-js has framed their message. grpc-js copies
// every message into a new frame when it starts sending it and calls the write callback only after
// HTTP/2 flow control let the frame out, so a buffer is free again at that callback. In use at once:
// what grpc-js queues before write() asks us to wait (16 messages) plus the one being read, so about
// 17 buffers per call whatever the blob's size, allocated once instead of one per chunk.

export interface ChunkBuffers {
  /** A buffer of at least `bytes` (of exactly `bytes` when larger than the pooled size). */
  allocate(bytes: number): Buffer
  /** `chunk` (a view of an allocated buffer) was sent: its buffer may be reused. */
  release(chunk: Uint8Array): void
}

export function createChunkBuffers(size: number): ChunkBuffers {
  const free: Buffer[] = []
  // The pooled buffers, by their memory: a view of any other buffer is never taken in.
  const lent = new Set<ArrayBufferLike>()
  return {
    allocate(bytes) {
      if (bytes > size) return Buffer.allocUnsafe(bytes)
      // Larger than Buffer's 4 KiB pool slices, so each buffer owns its ArrayBuffer.
      const buffer = free.pop() ?? Buffer.allocUnsafeSlow(size)
      lent.add(buffer.buffer)
      return buffer
    },
    release(chunk) {
      if (lent.delete(chunk.buffer)) free.push(Buffer.from(chunk.buffer, 0, size))
    },
  }
}
