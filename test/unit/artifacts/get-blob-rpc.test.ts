// GetBlob over a real grpc-js server on a unix socket, from a real artifacts subsystem that fetches the
// blob from a peer over libp2p (and then holds it), to a client that reads slowly. The chunks must
// arrive intact although the daemon reuses their buffers (rpc/chunk-buffers.ts), and the daemon must
// read into a bounded set of buffers instead of a new one per chunk: every buffer a chunk passes
// through is garbage that V8 frees late, and made B's memory swing by tens of MiB while it streamed
// a large blob (issue 19f).
import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { A2ANodeService } from '../../../clients/ts/gen/moltmesh/v1/a2a.ts'
import { type Client, createClient } from '../../../clients/ts/index.ts'
import type { ArtifactsService } from '../../../daemon/artifacts/artifacts-service.ts'
import { cidOfDigest } from '../../../daemon/artifacts/cid.ts'
import { silentLogger } from '../../../daemon/log/logger.ts'
import { createMetrics } from '../../../daemon/metrics/metrics.ts'
import { artifactsAdapter } from '../../../daemon/rpc/artifacts-adapter.ts'
import { type RpcServer, startRpcServer } from '../../../daemon/rpc/grpc-server.ts'
import { buildServiceHandlers } from '../../../daemon/rpc/service-handlers.ts'
import type { ServiceImpl } from '../../../daemon/rpc/service-types.ts'
import { asAsync, createNode, type Node, pseudoRandomChunks, removeDataDirs } from './fixtures.ts'

const MiB = 1024 * 1024
const SIZE = 16 * MiB + 5 // 65 chunks of 256 KiB

describe('GetBlob through gRPC to a slow client', () => {
  let a: Node
  let b: Node
  let server: RpcServer
  let client: Client
  let dir: string
  let cid: string
  /** Buffers B's chunks were read into, and how many chunks, per GetBlob. */
  let buffers = new Set<ArrayBufferLike>()
  let chunks = 0
  const shutdown = new AbortController()

  beforeAll(async () => {
    a = await createNode()
    b = await createNode()
    await b.host.dial(a.host.getMultiaddrs()[0]!)
    const meta = { name: 'big.bin', mediaType: 'application/x-test', size: SIZE }
    cid = (await a.artifacts.service.put(meta, asAsync(pseudoRandomChunks(SIZE)))).cid
    // B's service as it is, noting which buffers the chunks it hands to the adapter live in.
    const real = b.artifacts.service
    const observed: ArtifactsService = {
      ...real,
      async get(...args) {
        const { record, chunks: content } = await real.get(...args)
        async function* noted() {
          for await (const chunk of content) {
            buffers.add(chunk.buffer)
            chunks++
            yield chunk
          }
        }
        return { record, chunks: noted() }
      },
    }
    dir = mkdtempSync(join(tmpdir(), 'mm-getblob-'))
    const handlers = artifactsAdapter(observed, b.did) as unknown as ServiceImpl<typeof A2ANodeService>
    server = await startRpcServer({
      socketPath: join(dir, 's.sock'),
      tcpListen: '',
      tcpToken: '',
      logger: silentLogger(),
      services: [
        {
          definition: A2ANodeService,
          handlers: () =>
            buildServiceHandlers(A2ANodeService, handlers, {
              logger: silentLogger(),
              metrics: createMetrics(),
              shutdownSignal: shutdown.signal,
            }),
        },
      ],
    })
    client = createClient({ socket: server.socketPath })
  }, 60_000)

  afterAll(async () => {
    client?.close()
    shutdown.abort()
    await server?.stop(1000)
    await Promise.all([a?.stop(), b?.stop()])
    removeDataDirs()
    rmSync(dir, { recursive: true, force: true })
  })

  /** Reads the whole stream, pausing now and then so grpc-js's queue on B fills up. */
  async function slowRead(from: string) {
    buffers = new Set()
    chunks = 0
    const hash = createHash('sha256')
    let expected = 0
    let n = 0
    for await (const res of client.a2a.getBlob({ cid, from })) {
      expect(res.offset).toBe(expected)
      expected += res.chunk.length
      hash.update(res.chunk)
      if (++n % 8 === 0) await sleep(20)
    }
    return { bytes: expected, cid: cidOfDigest(hash.digest()) }
  }

  // In use at once: what grpc-js queues before write() asks to wait (16) and the message being read,
  // plus the first message's buffer (copied by ts-proto, never handed back). The old code read every
  // chunk into a buffer of its own: 65 and more.
  const MAX_BUFFERS = 20

  it('streams a blob being fetched intact, through a bounded set of buffers', async () => {
    const got = await slowRead(a.did)
    expect(got).toEqual({ bytes: SIZE, cid })
    expect(chunks).toBeGreaterThanOrEqual(65)
    expect(buffers.size).toBeLessThanOrEqual(MAX_BUFFERS)
  }, 60_000)

  it('streams a blob held here intact, through a bounded set of buffers', async () => {
    expect(await b.artifacts.service.stat(cid)).toBeDefined()
    const got = await slowRead('')
    expect(got).toEqual({ bytes: SIZE, cid })
    expect(chunks).toBe(65)
    expect(buffers.size).toBeLessThanOrEqual(MAX_BUFFERS)
  }, 60_000)
})
