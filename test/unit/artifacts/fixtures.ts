// Real artifacts subsystems for unit tests: a classic-level store in a temp dir and, where peers are
// involved, a bare libp2p host (TCP, Noise, Yamux on 127.0.0.1) per daemon.
import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { tcp } from '@libp2p/tcp'
import { createLibp2p, type Libp2p } from 'libp2p'
import { type Artifacts, createArtifacts } from '../../../daemon/artifacts/artifacts.ts'
import { cidOfDigest } from '../../../daemon/artifacts/cid.ts'
import type { ArtifactsOptions } from '../../../daemon/config/options.ts'
import { didFromPeerId } from '../../../daemon/identity/did.ts'
import { silentLogger } from '../../../daemon/log/logger.ts'
import { createMetrics, type Metrics } from '../../../daemon/metrics/metrics.ts'
import type { Host } from '../../../daemon/p2p/create-host.ts'
import { openStore, type Store } from '../../../daemon/store/store.ts'

export const DEFAULT_OPTIONS: ArtifactsOptions = {
  maxBlobBytes: 64 * 1024 * 1024,
  gcGraceMs: 0,
  maxStreamsPerPeer: 4,
}

export interface Node {
  dataDir: string
  did: string
  host: Libp2p
  store: Store
  metrics: Metrics
  artifacts: Artifacts
  stop(): Promise<void>
}

export async function createBareHost(): Promise<Libp2p> {
  const host = await createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
  })
  await host.start()
  return host
}

// Data dirs made by createNode; they outlive a node's stop() (tests restart nodes on the same dir).
const createdDirs = new Set<string>()

/** Removes every data dir createNode made (after the nodes have stopped). */
export function removeDataDirs(): void {
  for (const dir of createdDirs) rmSync(dir, { recursive: true, force: true })
  createdDirs.clear()
}

/** One artifacts subsystem with its own data dir, store and libp2p host. */
export async function createNode(options: Partial<ArtifactsOptions> = {}, dataDir?: string): Promise<Node> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'mm-art-'))
  createdDirs.add(dir)
  const host = await createBareHost()
  const store = await openStore(dir)
  const metrics = createMetrics()
  const did = didFromPeerId(host.peerId)
  const artifacts = await createArtifacts(
    {
      host: host as unknown as Host,
      store,
      logger: silentLogger(),
      metrics,
      selfDid: did,
      dataDir: dir,
      resolveName: async (name) => {
        throw new Error(`no names in unit tests (${name})`)
      },
      dialTimeoutMs: 5_000,
    },
    { ...DEFAULT_OPTIONS, ...options },
  )
  await artifacts.start()
  return {
    dataDir: dir,
    did,
    host,
    store,
    metrics,
    artifacts,
    async stop() {
      await artifacts.stop()
      await host.stop()
      await store.close()
    },
  }
}

/** Deterministic pseudo-random bytes (xorshift), generated chunk by chunk. */
export function* pseudoRandomChunks(total: number, chunkBytes = 256 * 1024, seed = 1): Generator<Buffer> {
  let x = seed >>> 0 || 1
  for (let done = 0; done < total; ) {
    const n = Math.min(chunkBytes, total - done)
    const buf = Buffer.allocUnsafe(n)
    for (let i = 0; i < n; i++) {
      x ^= x << 13
      x ^= x >>> 17
      x ^= x << 5
      buf[i] = x & 0xff
    }
    done += n
    yield buf
  }
}

export function cidOf(bytes: Uint8Array): string {
  return cidOfDigest(createHash('sha256').update(bytes).digest())
}

export async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = []
  for await (const c of chunks) parts.push(c)
  return Buffer.concat(parts)
}

export async function* asAsync(chunks: Iterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  yield* chunks
}

export function metricValue(metrics: Metrics, name: string, labels: Record<string, string> = {}): number {
  return metrics
    .collect()
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((n, s) => n + s.value, 0)
}
