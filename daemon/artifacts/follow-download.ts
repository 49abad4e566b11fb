// GetBlob of a blob that is being fetched: reads partial/<cid> behind the download as its bytes are
// written, so the client receives the blob while B is still fetching it, instead of after.
//
// The contract that keeps content addressing sound: bytes streamed before the download is verified
// are provisional. The stream ends without an error only after the download has verified the whole
// content against the CID (and stored it); if it does not verify — or the partial file this reader
// sent bytes from is thrown away — the stream ends with BLOB_HASH_MISMATCH (or the download's own
// error), so the client never ends up with bytes it believes match the CID and do not.
//
// Every read is positional and checked against the progress generation before and after, so a reader
// never mixes bytes of a thrown-away file with those of its successor.

import { type FileHandle, open } from 'node:fs/promises'
import { MoltmeshError } from '../errors/moltmesh-error.ts'
import { type ChunkLayout, chunkBuffer } from './blob-files.ts'
import { type DownloadProgress, unverifiedBytesSent } from './download-progress.ts'
import type { BlobRecord } from './records.ts'

export interface FollowOptions {
  cid: string
  /** partial/<cid>: where the download writes. */
  partialPath: string
  /** First byte to send. */
  offset: number
  /** The size announced to the client (the first header's). */
  size: number
  progress: DownloadProgress
  /** The download's outcome: the stored record once verified, else its error. */
  outcome: Promise<BlobRecord>
  /** Reads the stored (verified) blob from an offset, for whatever is left once it is stored. */
  readStored: (offset: number) => AsyncIterable<Uint8Array>
  chunkBytes: number
  /** How chunks are laid out (blob-files.ts ChunkLayout); readStored must lay them out alike. */
  layout?: ChunkLayout
  signal?: AbortSignal
}

export async function* followDownload(o: FollowOptions): AsyncGenerator<Uint8Array> {
  const { progress } = o
  let position = o.offset
  let fh: FileHandle | undefined
  /** The generation `fh` belongs to (read before it was opened). */
  let generation = progress.generation
  const staleGeneration = () => progress.generation !== generation
  try {
    while (!progress.finished) {
      o.signal?.throwIfAborted()
      if (staleGeneration()) {
        if (position > o.offset) throw unverifiedBytesSent(o.cid, progress.discardedBecause)
        // Nothing sent yet: follow the file that replaces it.
        await fh?.close()
        fh = undefined
        generation = progress.generation
        continue
      }
      if (position >= progress.written) {
        await progress.changed(o.signal)
        continue
      }
      if (fh == null) {
        try {
          fh = await open(o.partialPath, 'r')
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
          // Renamed into the store or thrown away: the download reports which right after.
          if (!progress.finished && !staleGeneration()) await progress.changed(o.signal)
          continue
        }
      }
      const length = Math.min(o.chunkBytes, progress.written - position)
      const headroom = o.layout?.headroom ?? 0
      const buffer = chunkBuffer(o.layout, length)
      const { bytesRead } = await fh.read(buffer, headroom, length, position)
      // Read while the file was thrown away: the top of the loop decides what that means.
      if (staleGeneration()) continue
      if (bytesRead === 0)
        throw new MoltmeshError('internal', 'INTERNAL', `partial/${o.cid} is shorter than was written to it`)
      position += bytesRead
      yield buffer.subarray(headroom, headroom + bytesRead)
    }
    await fh?.close()
    fh = undefined
    const record = await o.outcome
    // Checked after the outcome: a file thrown away before a later holder's content verified still
    // means that what this reader sent is not that content.
    if (staleGeneration() && position > o.offset) throw unverifiedBytesSent(o.cid, progress.discardedBecause)
    if (record.size !== o.size)
      throw new MoltmeshError(
        'unavailable',
        'BLOB_UNAVAILABLE',
        `the holder announced ${o.size} bytes for ${o.cid}, which has ${record.size}; ask again`,
      )
    // The rest (when this reader was behind the download) comes from the stored, verified blob.
    if (position < record.size) yield* o.readStored(position)
  } finally {
    await fh?.close()
  }
}
