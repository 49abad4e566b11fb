// The transport floor of a blob fetch, measured in the same run as the blob benchmark: `bytes` sent
// from another process (floor/stream-holder.ts) to this one over one libp2p stream with the daemons'
// stack (TCP loopback, Noise, Yamux), received and counted, nothing else. A daemon fetching a blob
// does this plus framing, sha256, file writes and credits, and while it streams GetBlob also gRPC,
// on the same thread; so this rate is what GetBlob of a remote blob cannot beat.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { multiaddr } from '@multiformats/multiaddr'
import { createLoopbackNode } from '../../test/harness/raw-peer.ts'
import { FLOOR_PROTOCOL } from './stream-holder.ts'

/** Runs `runs` transfers of `bytes`; returns the time of each in ms. */
export async function measureStreamFloor(bytes: number, runs: number): Promise<number[]> {
  const holder = spawn(process.execPath, [join(import.meta.dirname, 'stream-holder.ts')], {
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  const node = await createLoopbackNode(await generateKeyPair('Ed25519'))
  try {
    const [line] = (await once(holder.stdout, 'data')) as [Buffer]
    const { address } = JSON.parse(line.toString()) as { address: string }
    const times: number[] = []
    for (let run = 0; run < runs; run++) {
      const t0 = performance.now()
      const stream = await node.dialProtocol(multiaddr(address), FLOOR_PROTOCOL)
      const request = Buffer.alloc(8)
      request.writeBigUInt64BE(BigInt(bytes))
      stream.send(request)
      let received = 0
      for await (const data of stream) received += data.byteLength
      times.push(performance.now() - t0)
      if (received !== bytes) throw new Error(`the floor stream carried ${received} of ${bytes} bytes`)
    }
    return times
  } finally {
    holder.stdin.end()
    await node.stop()
    if (holder.exitCode == null) await once(holder, 'exit')
  }
}
