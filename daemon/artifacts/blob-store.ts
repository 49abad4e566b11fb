// The content-addressed blob store: files on disk (blob-files.ts) plus their records (blob-index.ts).
// A blob is acknowledged only after its content is fsynced, renamed into place and its record written
// with sync, so an acknowledged blob survives kill -9 and power loss. At start the two are reconciled:
// a file without a record was never acknowledged and is deleted; a record without a file is dropped.

import type { Logger } from '../log/logger.ts'
import type { BlobFiles, ReadOptions } from './blob-files.ts'
import { tooLarge } from './blob-files.ts'
import type { BlobIndex } from './blob-index.ts'
import { isBlobCid } from './cid.ts'
import type { KeyedLock } from './keyed-lock.ts'
import type { BlobRecord, PutMetadata } from './records.ts'

export interface BlobStoreComponents {
  files: BlobFiles
  index: BlobIndex
  lock: KeyedLock
  logger: Logger
}

export interface BlobStoreOptions {
  maxBlobBytes: number
  gcGraceMs: number
}

/** How a finished file became a blob: fields of the record besides content and times. */
export interface CommitInfo {
  name: string
  mediaType: string
  origin: BlobRecord['origin']
  fetchedFrom: string
}

export function createBlobStore(c: BlobStoreComponents, options: BlobStoreOptions) {
  let count = 0
  let bytes = 0

  /** Installs a finished, fsynced file as blob `cid` and writes (or refreshes) its record. */
  function commit(path: string, cid: string, size: number, info: CommitInfo): Promise<BlobRecord> {
    return c.lock(cid, async () => {
      const existing = await c.index.get(cid)
      await c.files.install(path, cid)
      const now = Date.now()
      const record: BlobRecord =
        existing != null
          ? {
              ...existing,
              // The latest upload names the content; a fetch never renames what the agent stored.
              name: info.origin === 'upload' && info.name !== '' ? info.name : existing.name,
              mediaType:
                info.origin === 'upload' && info.mediaType !== '' ? info.mediaType : existing.mediaType,
              pinnedUntilMs: Math.max(existing.pinnedUntilMs, now + options.gcGraceMs),
            }
          : {
              cid,
              size,
              name: info.name,
              mediaType: info.mediaType,
              createdAtMs: now,
              pinnedUntilMs: now + options.gcGraceMs,
              origin: info.origin,
              fetchedFrom: info.fetchedFrom,
            }
      await c.index.put(record)
      if (existing == null) {
        count++
        bytes += size
      }
      return record
    })
  }

  return {
    get count() {
      return count
    },
    get bytes() {
      return bytes
    },
    maxBlobBytes: options.maxBlobBytes,
    gcGraceMs: options.gcGraceMs,

    async start(): Promise<void> {
      await c.files.init()
      const onDisk = new Map((await c.files.listStored()).map((f) => [f.cid, f.size]))
      for await (const record of c.index.records()) {
        const size = onDisk.get(record.cid)
        onDisk.delete(record.cid)
        if (size === record.size) {
          count++
          bytes += size
          continue
        }
        c.logger.warn(
          { cid: record.cid, size, expected: record.size },
          'blob file missing or damaged: dropped',
        )
        await c.index.delete(record.cid)
        await c.files.remove(record.cid)
      }
      for (const cid of onDisk.keys()) {
        // Renamed into place but never recorded: the upload or fetch was not acknowledged.
        if (isBlobCid(cid)) c.logger.info({ cid }, 'removing unacknowledged blob file')
        await c.files.remove(cid)
      }
    },

    /** Stores an upload: streamed to disk with incremental hashing, then committed. */
    async put(
      meta: PutMetadata,
      source: AsyncIterable<Uint8Array>,
      signal?: AbortSignal,
    ): Promise<BlobRecord> {
      if (meta.size > options.maxBlobBytes) throw tooLarge(meta.size, options.maxBlobBytes)
      const written = await c.files.writeTemp(source, {
        maxBytes: options.maxBlobBytes,
        expectedSize: meta.size,
        signal,
      })
      return commit(written.path, written.cid, written.size, {
        name: meta.name,
        mediaType: meta.mediaType,
        origin: 'upload',
        fetchedFrom: '',
      })
    },

    commit,

    get: (cid: string) => c.index.get(cid),

    read: (cid: string, offset: number, options?: ReadOptions) => c.files.read(cid, offset, options),

    /** Deletes a blob (caller holds the lock); returns the bytes freed. */
    async removeLocked(record: BlobRecord): Promise<number> {
      await c.index.delete(record.cid)
      const freed = await c.files.remove(record.cid)
      count--
      bytes -= record.size
      return freed
    },
  }
}

export type BlobStore = ReturnType<typeof createBlobStore>
