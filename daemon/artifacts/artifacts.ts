// The artifacts subsystem: a content-addressed blob store under <dataDir>/blobs/ (CIDv1 raw sha2-256),
// the /moltmesh/blob/1.0.0 protocol that serves local blobs to peers and fetches remote ones with
// verification and resume, references and garbage collection. createArtifacts(components, options)
// returns the service plus its lifecycle.

import type { ArtifactsOptions } from '../config/options.ts'
import type { Logger } from '../log/logger.ts'
import type { Metrics } from '../metrics/metrics.ts'
import type { Host } from '../p2p/create-host.ts'
import type { NameResolver } from '../p2p/target.ts'
import type { Store } from '../store/store.ts'
import { BLOB_PROTOCOL } from '../wire/blob-codec.ts'
import { createArtifactsService } from './artifacts-service.ts'
import { createBlobFetcher } from './blob-fetcher.ts'
import { createBlobFiles } from './blob-files.ts'
import { openBlobIndex } from './blob-index.ts'
import { createBlobServer } from './blob-server.ts'
import { createBlobStore } from './blob-store.ts'
import { createCollector } from './gc.ts'
import { createKeyedLock } from './keyed-lock.ts'

export interface ArtifactsComponents {
  host: Host
  store: Store
  logger: Logger
  metrics: Metrics
  selfDid: string
  dataDir: string
  resolveName: NameResolver
  dialTimeoutMs: number
}

export async function createArtifacts(c: ArtifactsComponents, options: ArtifactsOptions) {
  const logger = c.logger.child({ component: 'artifacts' })
  const files = createBlobFiles(c.dataDir)
  const index = await openBlobIndex(c.store)
  const lock = createKeyedLock()
  const store = createBlobStore(
    { files, index, lock, logger },
    { maxBlobBytes: options.maxBlobBytes, gcGraceMs: options.gcGraceMs },
  )
  const hostile = c.metrics.counter(
    'moltmesh_hostile_input_total',
    'Rejected hostile or malformed peer input, by reason',
  )
  const bytes = c.metrics.counter('moltmesh_blob_bytes_total', 'Blob content bytes moved, by direction')
  const server = createBlobServer({
    store,
    logger,
    hostile,
    served: { inc: (labels, by) => bytes.inc({ ...labels, direction: 'served' }, by) },
    maxStreamsPerPeer: options.maxStreamsPerPeer,
  })
  const fetcher = createBlobFetcher({
    host: c.host,
    store,
    files,
    logger,
    hostile,
    fetched: { inc: (labels, by) => bytes.inc({ ...labels, direction: 'fetched' }, by) },
    dialTimeoutMs: c.dialTimeoutMs,
  })
  let service: ReturnType<typeof createArtifactsService> | undefined
  const collect = createCollector({
    store,
    index,
    files,
    lock,
    logger,
    fetching: () => service?.fetching() ?? new Set(),
  })
  service = createArtifactsService({
    store,
    index,
    files,
    fetcher,
    lock,
    logger,
    selfDid: c.selfDid,
    resolveName: c.resolveName,
    collect,
    uploaded: { inc: (labels, by) => bytes.inc({ ...labels, direction: 'uploaded' }, by) },
  })
  c.metrics.gauge('moltmesh_blobs', 'Blobs in the local store', () => store.count)
  c.metrics.gauge('moltmesh_blob_store_bytes', 'Bytes of content in the local blob store', () => store.bytes)

  return {
    service,
    async start(): Promise<void> {
      await store.start()
      // libp2p's own per-connection cap sits above ours, so an excess stream gets a BUSY answer
      // from the server instead of a bare reset.
      await c.host.handle(BLOB_PROTOCOL, server.handle, {
        maxInboundStreams: options.maxStreamsPerPeer * 2,
        maxOutboundStreams: options.maxStreamsPerPeer * 2,
        // Peers behind NAT are reached through relays (relay limits: docs/network.md).
        runOnLimitedConnection: true,
      })
      logger.debug({ blobs: store.count, bytes: store.bytes }, 'blob store open')
    },
    async stop(): Promise<void> {
      service?.abortFetches()
      await c.host.unhandle(BLOB_PROTOCOL).catch(() => undefined)
    },
  }
}

export type Artifacts = Awaited<ReturnType<typeof createArtifacts>>
