// Every byte a daemon receives over TCP goes through Noise, and Noise splits the stream into frames
// with @libp2p/utils' LengthPrefixedDecoder. Its loop reads the next frame's length prefix until that
// fails: once a chunk's frames are consumed the buffer is empty, the prefix decoder throws a
// RangeError and the loop catches it and stops. So every socket read on every connection built an
// Error with a stack trace only to throw it away. In CPU profiles of ten daemons running the
// broadcast bench, Noise's uint16BEDecode was 1.5% of all samples (its self time: the error and its
// stack), more than Noise's own decryption.
//
// The fix changes nothing the decoder yields: an empty buffer is answered with one RangeError made
// once, which the loop catches as before (it never escapes: the loop catches every RangeError).
// Partial prefixes (a chunk that ends inside one) still go to the real decoder. Applied once per
// process to the class, before the host is created; `installed()` says whether it took.

import { LengthPrefixedDecoder } from '@libp2p/utils'

type LengthDecoder = (data: { byteLength: number }) => number
interface DecoderFields {
  lengthDecoder: LengthDecoder
}

const MARK = Symbol.for('moltmesh.lengthPrefixFastPath')
/** Thrown instead of a fresh RangeError when there is no byte to decode. */
const NOTHING_YET = new RangeError('no length prefix yet')
const wrapped = new WeakSet<object>()

/** An empty buffer never reaches `inner`: it is answered with the shared error. */
export function skipEmpty(inner: LengthDecoder): LengthDecoder {
  return (data) => {
    if (data.byteLength === 0) throw NOTHING_YET
    return inner(data)
  }
}

export function installLengthPrefixFastPath(): void {
  const proto = LengthPrefixedDecoder.prototype as unknown as Record<PropertyKey, unknown> & {
    decode: (this: DecoderFields, buf: unknown) => Generator<unknown>
  }
  if (proto[MARK] === true) return
  const decode = proto.decode
  // The decoder's length function is an instance field set by its constructor, so it is wrapped on
  // the instance's first decode.
  proto.decode = function (this: DecoderFields, buf: unknown) {
    if (!wrapped.has(this)) {
      wrapped.add(this)
      if (typeof this.lengthDecoder === 'function') this.lengthDecoder = skipEmpty(this.lengthDecoder)
    }
    return decode.call(this, buf)
  }
  proto[MARK] = true
}

export function lengthPrefixFastPathInstalled(): boolean {
  return (LengthPrefixedDecoder.prototype as unknown as Record<PropertyKey, unknown>)[MARK] === true
}
