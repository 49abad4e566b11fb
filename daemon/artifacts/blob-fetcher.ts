// Requester side of /moltmesh/blob/1.0.0: downloads a blob from one agent into partial/<cid>, hashing
// as it writes, and commits it to the store only when the sha256 matches the CID. A download that
// stops half-way (peer gone, daemon restarted, caller cancelled) leaves its verified-so-far prefix in
// partial/, and the next fetch asks for the rest from that offset. Content that does not match its
// CID is deleted, counted as hostile input, and reported as BLOB_HASH_MISMATCH.

import type { Hash } from 'node:crypto'
import type { FileHandle } from 'node:fs/promises'
import { lpStream } from '@libp2p/utils'
import { MoltmeshError } from '../errors/moltmesh-error.ts'
import { peerIdFromDid } from '../identity/did.ts'
import type { Logger } from '../log/logger.ts'
import type { Counter } from '../metrics/metrics.ts'
import type { Host } from '../p2p/create-host.ts'
import { openProtocolStream } from '../p2p/open-stream.ts'
import {
  BLOB_FRAME_MAX_BYTES,
  BLOB_PROTOCOL,
  type BlobHeader,
  BlobStatus,
  decodeBlobFrame,
  encodeBlobFrame,
  type FrameBytes,
  readChunkFrame,
} from '../wire/blob-codec.ts'
import type { BlobFiles } from './blob-files.ts'
import { tooLarge } from './blob-files.ts'
import type { BlobStore } from './blob-store.ts'
import { cidOfDigest } from './cid.ts'
import type { FetchObserver } from './download-progress.ts'
import { createFetchCollector, type FetchCollector } from './fetch-collector.ts'
import type { BlobRecord } from './records.ts'

export interface BlobFetcherComponents {
  host: Host
  store: BlobStore
  files: BlobFiles
  logger: Logger
  hostile: Counter
  /** Bytes received from peers. */
  fetched: Counter
  dialTimeoutMs: number
  /** Collections of the buffers a fetch leaves behind (fetch-collector.ts); one per process by default. */
  collector?: FetchCollector
}

/** Credit granted up front: the most chunk bytes that can be in flight towards this daemon. */
export const FETCH_WINDOW_BYTES = 8 * 1024 * 1024
/** Credit is returned in steps of this many bytes written to disk. */
const CREDIT_STEP_BYTES = 2 * 1024 * 1024
/** A holder that sends nothing for this long is given up on (the partial download stays). */
const IDLE_TIMEOUT_MS = 30_000

const unavailable = (did: string, why: string, cause?: unknown) =>
  new MoltmeshError('unavailable', 'BLOB_UNAVAILABLE', `cannot fetch the blob from ${did}: ${why}`, { cause })

/**
 * The holder broke the protocol (an oversized or malformed frame, a chunk out of sequence or past the
 * size it announced). Unlike a stall, what it sent so far is not kept for a resume: it would only
 * make the next holder's download fail its hash check.
 */
class HolderViolation extends MoltmeshError {
  constructor(did: string, why: string, cause?: unknown) {
    super('unavailable', 'BLOB_UNAVAILABLE', `cannot fetch the blob from ${did}: ${why}`, { cause })
  }
}

const processCollector = createFetchCollector()

export function createBlobFetcher(c: BlobFetcherComponents) {
  const collector = c.collector ?? processCollector
  /** One attempt from `offset`; resolves with the header once every byte is in the partial file. */
  async function download(
    cid: string,
    did: string,
    partial: { fh: FileHandle; size: number; hash: Hash },
    signal: AbortSignal,
    observer: FetchObserver | undefined,
  ): Promise<BlobHeader> {
    let stream: Awaited<ReturnType<Host['dialProtocol']>>
    try {
      stream = await openProtocolStream(c.host, peerIdFromDid(did), BLOB_PROTOCOL, {
        signal: AbortSignal.any([signal, AbortSignal.timeout(c.dialTimeoutMs)]),
      })
    } catch (err) {
      signal.throwIfAborted()
      throw unavailable(did, (err as Error).message, err)
    }
    const lp = lpStream(stream, {
      maxDataLength: BLOB_FRAME_MAX_BYTES,
      // Unread bytes are bounded by the credit we grant; anything beyond it is a protocol violation.
      maxBufferSize: FETCH_WINDOW_BYTES + 2 * BLOB_FRAME_MAX_BYTES,
    })
    const readFrame = async (): Promise<FrameBytes> => {
      try {
        return await lp.read({ signal: AbortSignal.any([signal, AbortSignal.timeout(IDLE_TIMEOUT_MS)]) })
      } catch (err) {
        signal.throwIfAborted()
        const name = (err as Error).name
        if (name === 'InvalidDataLengthError' || name === 'StreamBufferError') {
          c.hostile.inc({ protocol: 'blob', reason: 'FRAME_TOO_LARGE' })
          throw new HolderViolation(did, 'the holder broke the frame or credit limit', err)
        }
        throw unavailable(
          did,
          name === 'TimeoutError' ? 'the holder stopped sending' : (err as Error).message,
          err,
        )
      }
    }
    const decode = (frame: FrameBytes) => {
      try {
        return decodeBlobFrame(frame.subarray())
      } catch (err) {
        c.hostile.inc({ protocol: 'blob', reason: 'MALFORMED_FRAME' })
        throw new HolderViolation(did, 'the holder sent a malformed frame', err)
      }
    }
    /** The next chunk, its content as the buffers it arrived in. */
    const readChunk = async (): Promise<{ offset: number; data: Iterable<Uint8Array>; length: number }> => {
      const frame = await readFrame()
      const fast = readChunkFrame(frame)
      if (fast != null) return { offset: fast.offset, data: fast.data, length: fast.data.byteLength }
      const chunk = decode(frame).chunk
      if (chunk == null) {
        c.hostile.inc({ protocol: 'blob', reason: 'MALFORMED_FRAME' })
        throw new HolderViolation(did, 'the holder sent a frame that is not a chunk')
      }
      return { offset: chunk.offset, data: [chunk.data], length: chunk.data.length }
    }
    try {
      await lp.write(
        encodeBlobFrame({ request: { cid, offset: partial.size, window: FETCH_WINDOW_BYTES } }),
        { signal },
      )
      const header = decode(await readFrame()).header
      if (header == null) throw unavailable(did, 'the holder answered without a header')
      if (header.status === BlobStatus.BLOB_STATUS_NOT_FOUND)
        throw new MoltmeshError('not_found', 'BLOB_NOT_FOUND', `${did} does not hold blob ${cid}`)
      if (header.status === BlobStatus.BLOB_STATUS_INVALID && header.reason === 'OFFSET_OUT_OF_RANGE')
        throw new OffsetOutOfRange()
      if (header.status !== BlobStatus.BLOB_STATUS_OK)
        throw unavailable(did, `refused (${header.reason || header.status})`)
      if (header.size > c.store.maxBlobBytes) throw tooLarge(header.size, c.store.maxBlobBytes)
      observer?.header({ size: header.size, ...describe(header), from: did })
      let unacked = 0
      while (partial.size < header.size) {
        // Buffered frames are returned without looking at the signal: check it here.
        signal.throwIfAborted()
        const chunk = await readChunk()
        if (chunk.offset !== partial.size) {
          c.hostile.inc({ protocol: 'blob', reason: 'MALFORMED_FRAME' })
          throw new HolderViolation(
            did,
            `the holder sent a chunk at ${chunk.offset}, expected ${partial.size}`,
          )
        }
        if (partial.size + chunk.length > header.size) {
          c.hostile.inc({ protocol: 'blob', reason: 'SIZE_EXCEEDED' })
          throw new HolderViolation(did, `the holder sent more than the ${header.size} bytes it announced`)
        }
        const buffers = [...chunk.data]
        for (const b of buffers) partial.hash.update(b)
        await writeAll(partial.fh, buffers, chunk.length)
        partial.size += chunk.length
        observer?.wrote(partial.size)
        unacked += chunk.length
        c.fetched.inc({}, chunk.length)
        collector.received(chunk.length)
        if (unacked >= CREDIT_STEP_BYTES && partial.size < header.size) {
          await lp.write(encodeBlobFrame({ credit: { bytes: unacked } }), { signal })
          unacked = 0
        }
      }
      await stream.close().catch(() => undefined)
      return header
    } catch (err) {
      stream.abort(err as Error)
      throw err
    }
  }

  /**
   * Fetches `cid` from `did` into the local store (resuming a partial download) and returns the
   * record. The caller makes sure one fetch per CID runs at a time.
   */
  async function fetch(
    cid: string,
    did: string,
    signal: AbortSignal,
    observer?: FetchObserver,
  ): Promise<BlobRecord> {
    for (let attempt = 0; ; attempt++) {
      const partial = await c.files.openPartial(cid)
      const resumedFrom = partial.size
      // A prefix kept from an earlier attempt is readable at once (it is verified with the rest).
      observer?.wrote(partial.size)
      let header: BlobHeader
      try {
        header = await download(cid, did, partial, signal, observer)
      } catch (err) {
        if (err instanceof HolderViolation) {
          // A hostile holder's bytes are not worth resuming from: drop them with the stream.
          await partial.fh.close().catch(() => undefined)
          await c.files.removePartial(cid)
          observer?.discarded(err)
          c.logger.warn({ cid, from: did, resumedFrom, err: err.message }, 'holder broke the blob protocol')
          throw err
        }
        // Keep what arrived for the next attempt: flushed, so a restart resumes from it too.
        await partial.fh.sync().catch(() => undefined)
        await partial.fh.close().catch(() => undefined)
        if (err instanceof OffsetOutOfRange && attempt === 0) {
          // Our partial is longer than the holder's blob: it cannot be a prefix of it. Start over.
          await c.files.removePartial(cid)
          observer?.discarded(
            new MoltmeshError(
              'unavailable',
              'BLOB_HASH_MISMATCH',
              `the partial download of ${cid} is longer than the blob ${did} holds`,
            ),
          )
          continue
        }
        throw err
      }
      // Verified before anything is made durable: content that does not match is never synced.
      const actual = cidOfDigest(partial.hash.digest())
      if (actual !== cid) {
        await partial.fh.close().catch(() => undefined)
        await c.files.removePartial(cid)
        c.hostile.inc({ protocol: 'blob', reason: 'HASH_MISMATCH' })
        c.logger.warn({ cid, from: did, actual, resumedFrom }, 'fetched content does not match its CID')
        // UNAVAILABLE: intact content could not be had from this agent; another holder may do.
        const mismatch = new MoltmeshError(
          'unavailable',
          'BLOB_HASH_MISMATCH',
          `the content ${did} sent for ${cid} hashes to ${actual}; nothing was stored`,
        )
        // After the file is gone: a reader that opens the path from now on cannot get its bytes.
        observer?.discarded(mismatch)
        throw mismatch
      }
      try {
        await partial.fh.sync()
      } finally {
        await partial.fh.close()
      }
      const record = await c.store.commit(c.files.partialPath(cid), cid, header.size, {
        ...describe(header),
        origin: 'fetch',
        fetchedFrom: did,
      })
      c.logger.info({ cid, from: did, size: header.size, resumedFrom }, 'fetched blob')
      return record
    }
  }

  return { fetch }
}

/** The name and media type a holder gives, capped as uploads are. */
function describe(header: BlobHeader): { name: string; mediaType: string } {
  return { name: header.name.slice(0, 1024), mediaType: header.mediaType.slice(0, 256) }
}

/** writev until every byte is on disk (a vectored write may be short). */
async function writeAll(fh: FileHandle, buffers: Uint8Array[], length: number): Promise<void> {
  let written = (await fh.writev(buffers)).bytesWritten
  if (written === length) return
  for (const b of buffers) {
    if (written >= b.length) {
      written -= b.length
      continue
    }
    await fh.write(b.subarray(written))
    written = 0
  }
}

class OffsetOutOfRange extends Error {
  override name = 'OffsetOutOfRange'
}

export type BlobFetcher = ReturnType<typeof createBlobFetcher>
