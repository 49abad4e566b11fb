// The bytes of a blob fetch that have arrived and are not yet on disk, held in one buffer per fetch.
//
// Why a copy: each chunk arrives as libp2p's buffers (a TCP read and a Noise plaintext per 64 KiB).
// Left in the length-prefixed stream's queue until the disk write before them is done, on a loaded
// machine they wait behind up to a credit window of data, outlive two scavenges of B's 1 MiB young
// generation, are promoted, and are freed only at the next Mark-Compact, which V8 starts for
// external memory only after it has grown by 64 MiB: B's resident memory then grew with the blob's
// size (docs/benchmarks.md, Artifacts 2026-12-03, issue 19g). Copied here as soon as a chunk is
// complete, they die young; the window itself is this one reused allocation.

export class ReceiveRing {
  private readonly buf: Buffer
  /** Bytes consumed (written out) and received so far; the ring holds [head, tail). */
  private head = 0
  private tail = 0

  constructor(capacity: number) {
    // Not zero-filled: every byte is written by push() before it is read.
    this.buf = Buffer.allocUnsafeSlow(capacity)
  }

  /** Bytes held, not yet consumed. */
  get pending(): number {
    return this.tail - this.head
  }

  /** Room left. */
  get free(): number {
    return this.buf.length - this.pending
  }

  /** Copies `data` (at most `free` bytes in all) in after what is held. */
  push(data: Iterable<Uint8Array>): void {
    for (const piece of data) {
      if (piece.length > this.free) throw new RangeError('receive ring overflow')
      let at = this.tail % this.buf.length
      let from = 0
      while (from < piece.length) {
        const n = Math.min(piece.length - from, this.buf.length - at)
        this.buf.set(piece.subarray(from, from + n), at)
        from += n
        at = 0
      }
      this.tail += piece.length
    }
  }

  /** What is held, in order, as at most two views (two when it wraps around the end). */
  views(): Uint8Array[] {
    if (this.pending === 0) return []
    const start = this.head % this.buf.length
    const end = start + this.pending
    if (end <= this.buf.length) return [this.buf.subarray(start, end)]
    return [this.buf.subarray(start), this.buf.subarray(0, end - this.buf.length)]
  }

  /** Frees the first `n` held bytes (their views must not be used after this). */
  consume(n: number): void {
    if (n > this.pending) throw new RangeError('receive ring underflow')
    this.head += n
  }
}
