// Blob content on disk, under <dataDir>/blobs/:
//   data/<xy>/<cid>   finished blobs; <xy> are the two characters before the last one of the CID (the
//                     last base32 character only carries 3 bits), so no directory grows past ~1/1024
//                     of the store
//   tmp/<random>      uploads being written; never resumed, cleared at start
//   partial/<cid>     downloads from peers being written; kept across restarts so a fetch resumes
// Content is only ever written to tmp/ or partial/, fsynced, then renamed into data/ (and the
// directory fsynced), so a file in data/ is always complete. Writes stream chunk by chunk while the
// sha256 is computed incrementally: memory stays bounded by one chunk whatever the blob's size.

import { createHash, type Hash, randomBytes } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { chmod, type FileHandle, mkdir, open, readdir, rename, rm, stat, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { MoltmeshError } from '../errors/moltmesh-error.ts'
import { cidOfDigest } from './cid.ts'

/**
 * Default chunk size of local reads (GetBlob). Each chunk is copied a few times on its way into a gRPC
 * message; at 256 KiB that garbage stays small enough for the allocator to reuse. Measured: 1 MiB
 * chunks stream ~20% faster but keep ~30 MiB more resident while streaming 100 MiB.
 */
export const READ_CHUNK_BYTES = 256 * 1024

/** How a reader lays out the chunks it yields, for a caller that frames them without copying. */
export interface ChunkLayout {
  /**
   * Bytes reserved before each chunk, in the same buffer, that belong to the caller: GetBlob writes
   * its message header there and sends header and chunk as one (rpc/pre-encoded.ts).
   */
  headroom: number
  /**
   * Where a chunk's buffer (headroom + chunk) comes from, e.g. buffers GetBlob reuses once grpc-js
   * has copied them (rpc/chunk-buffers.ts). Default: a fresh buffer each.
   */
  allocate?: (bytes: number) => Buffer
}

export interface ReadOptions {
  signal?: AbortSignal
  chunkBytes?: number
  layout?: ChunkLayout
}

/** A buffer for a chunk of `length` bytes, which starts at `layout.headroom` in it. */
export function chunkBuffer(layout: ChunkLayout | undefined, length: number): Buffer {
  const bytes = (layout?.headroom ?? 0) + length
  return layout?.allocate?.(bytes) ?? Buffer.allocUnsafe(bytes)
}

export interface WriteLimits {
  /** Largest blob accepted. */
  maxBytes: number
  /** Declared size (0 = not declared): more or fewer bytes fail with BLOB_SIZE_MISMATCH. */
  expectedSize: number
  signal?: AbortSignal
}

export interface WrittenFile {
  path: string
  size: number
  cid: string
}

export function tooLarge(size: number, max: number): MoltmeshError {
  return new MoltmeshError(
    'resource_exhausted',
    'BLOB_TOO_LARGE',
    `the blob has ${size} bytes or more; this daemon accepts at most ${max} (artifacts.max_blob_bytes)`,
  )
}

function sizeMismatch(declared: number, actual: string): MoltmeshError {
  return new MoltmeshError(
    'invalid_argument',
    'BLOB_SIZE_MISMATCH',
    `the upload declared ${declared} bytes but carried ${actual}`,
  )
}

function isMissing(err: unknown): boolean {
  return (err as NodeJS.ErrnoException)?.code === 'ENOENT'
}

/** fsync of a directory makes a rename in it durable; not every platform allows it. */
async function syncDir(dir: string): Promise<void> {
  let fh: FileHandle | undefined
  try {
    fh = await open(dir, 'r')
    await fh.sync()
  } catch {
    // EISDIR/EPERM on platforms without directory fsync: the rename is as durable as they allow.
  } finally {
    await fh?.close()
  }
}

export function createBlobFiles(dataDir: string) {
  const root = join(dataDir, 'blobs')
  const dataDirOf = (cid: string) => join(root, 'data', cid.slice(-3, -1))
  const finalPath = (cid: string) => join(dataDirOf(cid), cid)
  const partialPath = (cid: string) => join(root, 'partial', cid)
  const tmpDir = join(root, 'tmp')

  /** Moves a finished, fsynced file into data/. A blob already there is kept (same content). */
  async function install(path: string, cid: string): Promise<void> {
    const dir = dataDirOf(cid)
    await mkdir(dir, { recursive: true, mode: 0o700 })
    if (await exists(cid)) {
      await rm(path, { force: true })
      return
    }
    await rename(path, finalPath(cid))
    await syncDir(dir)
  }

  async function exists(cid: string): Promise<boolean> {
    try {
      await stat(finalPath(cid))
      return true
    } catch (err) {
      if (isMissing(err)) return false
      throw err
    }
  }

  return {
    root,
    finalPath,
    partialPath,

    async init(): Promise<void> {
      // Uploads cut short by a crash cannot be resumed (their client got an error): drop them.
      await rm(tmpDir, { recursive: true, force: true })
      // Owner-only: blobs are message and task content.
      await mkdir(root, { recursive: true, mode: 0o700 })
      await chmod(root, 0o700)
      await Promise.all(
        ['data', 'tmp', 'partial'].map(async (d) => {
          await mkdir(join(root, d), { recursive: true, mode: 0o700 })
          await chmod(join(root, d), 0o700)
        }),
      )
    },

    exists,
    install,

    /** Streams `source` into a new temp file with incremental hashing; fsynced before it returns. */
    async writeTemp(source: AsyncIterable<Uint8Array>, limits: WriteLimits): Promise<WrittenFile> {
      const path = join(tmpDir, `${Date.now()}-${randomBytes(6).toString('hex')}`)
      const hash = createHash('sha256')
      const fh = await open(path, 'wx', 0o600)
      let size = 0
      try {
        for await (const chunk of source) {
          limits.signal?.throwIfAborted()
          size += chunk.length
          if (size > limits.maxBytes) throw tooLarge(size, limits.maxBytes)
          if (limits.expectedSize > 0 && size > limits.expectedSize)
            throw sizeMismatch(limits.expectedSize, `more (${size} so far)`)
          hash.update(chunk)
          await fh.write(chunk)
        }
        limits.signal?.throwIfAborted()
        if (limits.expectedSize > 0 && size !== limits.expectedSize)
          throw sizeMismatch(limits.expectedSize, String(size))
        await fh.sync()
      } catch (err) {
        await fh.close().catch(() => undefined)
        await rm(path, { force: true })
        throw err
      }
      await fh.close()
      return { path, size, cid: cidOfDigest(hash.digest()) }
    },

    /**
     * Reads `[offset, end)` of a stored blob in chunks, each in a buffer of its own laid out as
     * `options.layout` says (by default a fresh buffer each).
     */
    async *read(cid: string, offset: number, options: ReadOptions = {}): AsyncGenerator<Uint8Array> {
      const { signal, chunkBytes = READ_CHUNK_BYTES, layout } = options
      const headroom = layout?.headroom ?? 0
      let fh: FileHandle
      try {
        fh = await open(finalPath(cid), 'r')
      } catch (err) {
        if (isMissing(err))
          throw new MoltmeshError('not_found', 'BLOB_NOT_FOUND', `blob ${cid} is not in the local store`)
        throw err
      }
      try {
        let position = offset
        while (true) {
          signal?.throwIfAborted()
          const buffer = chunkBuffer(layout, chunkBytes)
          const { bytesRead } = await fh.read(buffer, headroom, chunkBytes, position)
          if (bytesRead === 0) return
          position += bytesRead
          yield buffer.subarray(headroom, headroom + bytesRead)
        }
      } finally {
        await fh.close()
      }
    },

    /** Reads a whole small blob (inline artifacts). */
    async readAll(cid: string): Promise<Buffer> {
      const parts: Uint8Array[] = []
      for await (const chunk of this.read(cid, 0)) parts.push(chunk)
      return Buffer.concat(parts)
    },

    /** Deletes a stored blob's file; returns the bytes freed. */
    async remove(cid: string): Promise<number> {
      try {
        const { size } = await stat(finalPath(cid))
        await unlink(finalPath(cid))
        return size
      } catch (err) {
        if (isMissing(err)) return 0
        throw err
      }
    },

    /** Every file in data/, for reconciling with the index at start. */
    async listStored(): Promise<Array<{ cid: string; size: number }>> {
      const out: Array<{ cid: string; size: number }> = []
      for (const shard of await readdir(join(root, 'data'))) {
        for (const name of await readdir(join(root, 'data', shard)).catch(() => [])) {
          const { size } = await stat(join(root, 'data', shard, name))
          out.push({ cid: name, size })
        }
      }
      return out
    },

    /** Partial downloads not touched for `olderThanMs`, with their sizes. */
    async stalePartials(olderThanMs: number): Promise<Array<{ cid: string; size: number }>> {
      const out: Array<{ cid: string; size: number }> = []
      const cutoff = Date.now() - olderThanMs
      for (const name of await readdir(join(root, 'partial')).catch(() => [])) {
        const s = await stat(join(root, 'partial', name)).catch(() => undefined)
        if (s != null && s.mtimeMs <= cutoff) out.push({ cid: name, size: s.size })
      }
      return out
    },

    async removePartial(cid: string): Promise<void> {
      await rm(partialPath(cid), { force: true })
    },

    /**
     * Opens the partial download of `cid` for appending and restores the hash of the bytes already
     * there (read back in chunks), so a resumed fetch verifies the whole content.
     */
    async openPartial(cid: string): Promise<{ fh: FileHandle; size: number; hash: Hash }> {
      const path = partialPath(cid)
      const hash = createHash('sha256')
      let size = 0
      try {
        for await (const chunk of createReadStream(path, { highWaterMark: READ_CHUNK_BYTES })) {
          hash.update(chunk as Buffer)
          size += (chunk as Buffer).length
        }
      } catch (err) {
        if (!isMissing(err)) throw err
      }
      const fh = await open(path, 'a', 0o600)
      return { fh, size, hash }
    },
  }
}

export type BlobFiles = ReturnType<typeof createBlobFiles>
