// Artifact RPCs of A2ANode: PutBlob, GetBlob, StatBlob, CollectBlobs. proto <-> artifacts service only.

import type { A2ANodeService, PutBlobRequest } from '../../clients/ts/gen/moltmesh/v1/a2a.ts'
import { artifactOf } from '../artifacts/artifact-part.ts'
import type { ArtifactsService } from '../artifacts/artifacts-service.ts'
import { READ_CHUNK_BYTES } from '../artifacts/blob-files.ts'
import { invalidArgument } from '../errors/moltmesh-error.ts'
import { BLOB_CHUNK_MAX_BYTES } from '../wire/blob-codec.ts'
import { createChunkBuffers } from './chunk-buffers.ts'
import { apiArtifact } from './convert.ts'
import { BLOB_CHUNK_HEADROOM, encodeBlobChunkInPlace, preEncoded } from './pre-encoded.ts'
import type { ServiceHandlers } from './service-types.ts'

/** The chunks of an upload after its first (metadata) message, checked one by one as they arrive. */
async function* uploadChunks(rest: AsyncIterator<PutBlobRequest>): AsyncGenerator<Uint8Array> {
  while (true) {
    const next = await rest.next()
    if (next.done) return
    const { metadata, chunk } = next.value
    if (metadata != null)
      throw invalidArgument('INVALID_ARGUMENT', 'PutBlob carries metadata in its first message only')
    if (chunk == null || chunk.length === 0) continue
    if (chunk.length > BLOB_CHUNK_MAX_BYTES)
      throw invalidArgument(
        'INVALID_ARGUMENT',
        `a PutBlob chunk is at most ${BLOB_CHUNK_MAX_BYTES} bytes (got ${chunk.length})`,
      )
    yield chunk
  }
}

export function artifactsAdapter(a: ArtifactsService, selfDid: string) {
  return {
    putBlob: async (requests, ctx) => {
      const iterator = requests[Symbol.asyncIterator]()
      const first = await iterator.next()
      const metadata = first.done ? undefined : first.value.metadata
      if (metadata == null)
        throw invalidArgument('INVALID_ARGUMENT', 'the first PutBlob message must carry the metadata')
      const record = await a.put(
        { name: metadata.name, mediaType: metadata.mediaType, size: metadata.size },
        uploadChunks(iterator),
        ctx.signal,
      )
      return { artifact: apiArtifact(artifactOf(record, selfDid)) }
    },
    async *getBlob(req, ctx) {
      const buffers = createChunkBuffers(BLOB_CHUNK_HEADROOM + READ_CHUNK_BYTES)
      const { record, chunks } = await a.get(
        req.cid,
        {
          offset: req.offset,
          from: req.from,
          layout: { headroom: BLOB_CHUNK_HEADROOM, allocate: buffers.allocate },
        },
        ctx.signal,
      )
      const artifact = apiArtifact(artifactOf(record, selfDid))
      let offset = req.offset
      let first = true
      for await (const chunk of chunks) {
        const message = { offset, chunk: chunk as Buffer, artifact: first ? artifact : undefined }
        // The first message (with the artifact) is encoded, and so copied, by ts-proto; every other
        // one is written around its chunk, whose buffer is reused once grpc-js has sent it.
        yield first
          ? message
          : preEncoded(message, encodeBlobChunkInPlace(offset, chunk), () => buffers.release(chunk))
        first = false
        offset += chunk.length
      }
      // An empty blob (or an offset at the end) still answers with its metadata.
      if (first) yield { offset, chunk: Buffer.alloc(0), artifact }
    },
    statBlob: async (req) => {
      const { record, references } = await a.stat(req.cid)
      return { artifact: apiArtifact(artifactOf(record, selfDid)), references: references.length }
    },
    collectBlobs: async (req) => {
      const { removed, bytesFreed } = await a.collect({ dryRun: req.dryRun })
      return { removed, bytesFreed }
    },
  } satisfies ServiceHandlers<typeof A2ANodeService>
}
