// Artifacts from and to files and streams: uploadFile / uploadStream put content into the daemon's
// blob store (content-addressed, chunked), downloadFile / downloadStream get it back, from this
// daemon or fetched from the agent that holds it.

import { createReadStream } from 'node:fs'
import { open, rename, rm, stat } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import type { DeepPartial } from '../deep-partial.ts'
import type { PutBlobRequest } from '../gen/moltmesh/v1/a2a.ts'
import type { Artifact } from '../gen/moltmesh/v1/types.ts'
import type { Groups } from '../groups.ts'
import type { RpcOptions } from '../service-client.ts'

// The daemon takes chunks of at most 1 MiB.
const CHUNK_BYTES = 1024 * 1024

type BlobClient = Pick<Groups, 'blobs'>

export interface UploadOptions extends RpcOptions {
  name?: string
  mediaType?: string
  /** Expected size; the daemon refuses the upload if the content differs. */
  size?: number
}

async function* putRequests(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  metadata: { name: string; mediaType: string; size: number },
): AsyncGenerator<DeepPartial<PutBlobRequest>> {
  yield { metadata }
  for await (const data of source) {
    const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength)
    for (let at = 0; at < buf.length; at += CHUNK_BYTES) yield { chunk: buf.subarray(at, at + CHUNK_BYTES) }
  }
}

/** Stores content from any byte source; resolves with the artifact (cid, size, …). */
export async function uploadStream(
  client: BlobClient,
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: UploadOptions = {},
): Promise<Artifact> {
  const res = await client.blobs.put(
    putRequests(source, {
      name: options.name ?? '',
      mediaType: options.mediaType ?? 'application/octet-stream',
      size: options.size ?? 0,
    }),
    options,
  )
  if (res.artifact == null) throw new Error('PutBlob returned no artifact')
  return res.artifact
}

/** Stores a file; its size is declared so a file that changes during the upload is refused. */
export async function uploadFile(
  client: BlobClient,
  path: string,
  options: UploadOptions = {},
): Promise<Artifact> {
  const { size } = await stat(path)
  return uploadStream(client, createReadStream(path, { highWaterMark: CHUNK_BYTES }), {
    name: basename(path),
    size,
    ...options,
  })
}

export interface DownloadOptions extends RpcOptions {
  /** Fetch from this agent (DID or name) if the blob is not held locally. */
  from?: string
  /** Start at this byte offset (resume). */
  offset?: number
}

/**
 * The blob's bytes, chunk by chunk. The daemon verifies the content against the CID; a blob it fetches
 * from a peer is streamed while fetched, so only a stream that ends without an error is verified
 * content (one that ends in BLOB_HASH_MISMATCH has sent bytes that must be thrown away).
 */
export async function* downloadStream(
  client: BlobClient,
  cid: string,
  options: DownloadOptions = {},
): AsyncGenerator<Buffer> {
  for await (const res of client.blobs.get(
    { cid, offset: options.offset ?? 0, from: options.from ?? '' },
    options,
  ))
    if (res.chunk.length > 0) yield res.chunk
}

/**
 * Writes the blob to `path` (replacing it); resolves with the artifact and the bytes written. The
 * bytes go to a temporary file beside `path`, renamed over it only once the stream ended without an
 * error: `path` never holds a partial or unverified download.
 */
export async function downloadFile(
  client: BlobClient,
  cid: string,
  path: string,
  options: DownloadOptions = {},
): Promise<{ artifact: Artifact | undefined; bytes: number }> {
  const tmp = join(dirname(path), `.${basename(path)}.moltmesh-${process.pid}-${Date.now()}.partial`)
  const fh = await open(tmp, 'w')
  let artifact: Artifact | undefined
  let bytes = 0
  let complete = false
  try {
    for await (const res of client.blobs.get(
      { cid, offset: options.offset ?? 0, from: options.from ?? '' },
      options,
    )) {
      artifact ??= res.artifact
      if (res.chunk.length === 0) continue
      await fh.write(res.chunk, 0, res.chunk.length, res.offset - (options.offset ?? 0))
      bytes += res.chunk.length
    }
    await fh.sync()
    complete = true
  } finally {
    await fh.close()
    if (complete) await rename(tmp, path)
    else await rm(tmp, { force: true })
  }
  return { artifact, bytes }
}
