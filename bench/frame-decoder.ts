// Noise's frame decoder (@libp2p/utils' LengthPrefixedDecoder with a 2-byte length prefix), fed one
// frame per chunk as a socket read usually delivers it: the time per chunk as the library ships it
// (the prefix decoder throws a fresh RangeError once the chunk is consumed) and with moltmesh's fast
// path (daemon/p2p/length-prefix-fast-path.ts). Rounds alternate the two; medians printed.
import { LengthPrefixedDecoder, type LengthPrefixedDecoderInit } from '@libp2p/utils'
import type { Uint8ArrayList } from 'uint8arraylist'
import { installLengthPrefixFastPath } from '../daemon/p2p/length-prefix-fast-path.ts'
import { median } from './guard.ts'

const CHUNKS = 200_000
const ROUNDS = 5
/** As Noise's uint16BEDecode: a RangeError, with its stack, while fewer than 2 bytes are there. */
type Prefixed = Parameters<NonNullable<LengthPrefixedDecoderInit['lengthDecoder']>>[0]
const uint16BE = (data: Prefixed) => {
  if (data.byteLength < 2) throw new RangeError('Could not decode int16BE')
  return data instanceof Uint8Array ? (data[0]! << 8) | data[1]! : data.getUint16(0)
}
const body = new Uint8Array(200).fill(7)
const chunk = Uint8Array.from([0, body.length, ...body])

type Decode = (this: LengthPrefixedDecoder, buf: Uint8Array) => Generator<Uint8ArrayList>
const shipped = LengthPrefixedDecoder.prototype.decode as unknown as Decode
installLengthPrefixFastPath()
const fast = LengthPrefixedDecoder.prototype.decode as unknown as Decode

function nsPerChunk(decode: Decode): number {
  const decoder = new LengthPrefixedDecoder({ lengthDecoder: uint16BE, encodingLength: () => 2 })
  let frames = 0
  const t0 = process.hrtime.bigint()
  for (let i = 0; i < CHUNKS; i++) for (const _ of decode.call(decoder, chunk)) frames++
  const ns = Number(process.hrtime.bigint() - t0) / CHUNKS
  if (frames !== CHUNKS) throw new Error(`decoded ${frames} frames of ${CHUNKS}`)
  return ns
}

nsPerChunk(shipped) // warm-up of both paths
nsPerChunk(fast)
const times = { shipped: [] as number[], fast: [] as number[] }
for (let r = 0; r < ROUNDS; r++) {
  times.shipped.push(nsPerChunk(shipped))
  times.fast.push(nsPerChunk(fast))
}
const shippedNs = median(times.shipped)
const fastNs = median(times.fast)
console.log(
  JSON.stringify({
    bench: 'frame-decoder',
    path: 'LengthPrefixedDecoder, 2-byte prefix, one 200-byte frame per chunk (as Noise reads a socket)',
    chunks: CHUNKS,
    rounds: ROUNDS,
    nsPerChunk: { shipped: Math.round(shippedNs), fastPath: Math.round(fastNs) },
    ratio: Math.round((shippedNs / fastNs) * 10) / 10,
  }),
)
