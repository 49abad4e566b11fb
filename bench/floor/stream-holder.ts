// The sending side of the transport floor (floor/libp2p-stream.ts), run as its own process like a
// holder daemon: a bare libp2p node with the daemons' transport stack (TCP, Noise, Yamux on
// 127.0.0.1) that answers each stream's 8-byte request (a byte count) with that many bytes, sent as
// 1 MiB buffers with back-pressure exactly as the blob server sends chunks. No files, no hashing, no
// framing: what is left is what TCP loopback, Noise and Yamux cost. Prints its address, then serves
// until stdin closes.
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { Stream } from '@libp2p/interface'
import { createLoopbackNode } from '../../test/harness/raw-peer.ts'

export const FLOOR_PROTOCOL = '/moltmesh-bench/floor/1.0.0'
const SEND_BYTES = 1024 * 1024

async function serve(stream: Stream): Promise<void> {
  let request = new Uint8Array(0)
  for await (const data of stream) {
    request = Buffer.concat([request, data.subarray()])
    if (request.length >= 8) break
  }
  let left = Number(Buffer.from(request).readBigUInt64BE(0))
  // One buffer sent again and again: the sender's cost is the transport's, not allocation.
  const buffer = Buffer.alloc(SEND_BYTES, 0x5a)
  while (left > 0) {
    const n = Math.min(left, SEND_BYTES)
    if (!stream.send(buffer.subarray(0, n))) await stream.onDrain()
    left -= n
  }
  await stream.close()
}

if (import.meta.main) {
  const node = await createLoopbackNode(await generateKeyPair('Ed25519'))
  await node.handle(FLOOR_PROTOCOL, (stream) => {
    serve(stream).catch((err: Error) => stream.abort(err))
  })
  console.log(JSON.stringify({ address: node.getMultiaddrs()[0]!.toString() }))
  process.stdin.resume()
  process.stdin.on('end', async () => {
    await node.stop()
    process.exit(0)
  })
}
