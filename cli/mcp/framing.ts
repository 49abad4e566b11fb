// MCP stdio framing: one JSON-RPC message per line, UTF-8, no embedded newlines. A line longer than
// the limit is dropped without being buffered (only a small head and tail are kept, to recover its
// request id for the error reply).

export const DEFAULT_MAX_LINE_BYTES = 4 * 1024 * 1024

const KEEP = 256

export type Line = { kind: 'line'; text: string } | { kind: 'oversized'; bytes: number; id: RequestIdGuess }

/** A request id recovered from an oversized line, or null when it cannot be told safely. */
export type RequestIdGuess = string | number | null

/** Splits a byte stream into lines; feed it chunks, it returns the complete lines they finish. */
export class LineSplitter {
  private readonly maxBytes: number
  private chunks: Buffer[] = []
  private size = 0
  // While a line is over the limit: its byte count, first bytes and last bytes.
  private dropping: { bytes: number; head: Buffer; tail: Buffer } | undefined

  constructor(maxBytes = DEFAULT_MAX_LINE_BYTES) {
    this.maxBytes = maxBytes
  }

  push(chunk: Buffer): Line[] {
    const out: Line[] = []
    let start = 0
    while (start < chunk.length) {
      const nl = chunk.indexOf(0x0a, start)
      const piece = chunk.subarray(start, nl === -1 ? chunk.length : nl)
      this.append(piece)
      if (nl === -1) break
      out.push(this.finish())
      start = nl + 1
    }
    return out
  }

  /** The last line when the stream ends without a newline (undefined when nothing is pending). */
  end(): Line | undefined {
    if (this.size === 0 && this.dropping == null) return undefined
    return this.finish()
  }

  private append(piece: Buffer): void {
    if (piece.length === 0) return
    if (this.dropping != null) {
      this.dropping.bytes += piece.length
      this.dropping.tail = keepTail(this.dropping.tail, piece)
      return
    }
    if (this.size + piece.length > this.maxBytes) {
      const all = Buffer.concat([...this.chunks, piece])
      this.dropping = { bytes: all.length, head: all.subarray(0, KEEP), tail: keepTail(Buffer.alloc(0), all) }
      this.chunks = []
      this.size = 0
      return
    }
    // Copy: the caller's buffer may be reused.
    this.chunks.push(Buffer.from(piece))
    this.size += piece.length
  }

  private finish(): Line {
    if (this.dropping != null) {
      const { bytes, head, tail } = this.dropping
      this.dropping = undefined
      return { kind: 'oversized', bytes, id: guessRequestId(head.toString('utf8'), tail.toString('utf8')) }
    }
    const text = Buffer.concat(this.chunks, this.size).toString('utf8').replace(/\r$/, '')
    this.chunks = []
    this.size = 0
    return { kind: 'line', text }
  }
}

function keepTail(previous: Buffer, piece: Buffer): Buffer {
  if (piece.length >= KEEP) return Buffer.from(piece.subarray(piece.length - KEEP))
  const joined = Buffer.concat([previous, piece])
  return joined.subarray(Math.max(0, joined.length - KEEP))
}

const ID = String.raw`(-?\d+|"(?:[^"\\]|\\.)*")`

/**
 * The id of an oversized request, only where it is unambiguous: the first member of the top-level
 * object (`{"id":7,` or `{"jsonrpc":"2.0","id":7,`), or its last member (`,"id":7}` at the very end,
 * as the TypeScript SDK writes it). An "id" nested in params is followed by at least two closing
 * braces and one inside a string has escaped quotes, so neither matches.
 */
export function guessRequestId(head: string, tail: string): RequestIdGuess {
  const match =
    new RegExp(String.raw`^\s*\{\s*"id"\s*:\s*${ID}\s*,`).exec(head) ??
    new RegExp(String.raw`^\s*\{\s*"jsonrpc"\s*:\s*"2\.0"\s*,\s*"id"\s*:\s*${ID}\s*,`).exec(head) ??
    new RegExp(String.raw`,\s*"id"\s*:\s*${ID}\s*\}\s*$`).exec(tail)
  if (match?.[1] == null) return null
  try {
    return JSON.parse(match[1]) as string | number
  } catch {
    return null
  }
}

/** One message as a line: JSON.stringify never emits raw newlines, so the output is one line. */
export function encodeLine(message: unknown): string {
  return `${JSON.stringify(message)}\n`
}
