// What clients and other subsystems can do with artifacts: store an upload, read a blob (fetching it
// from a peer first when it is not held here), describe it, collect garbage, and keep blobs alive with
// references. Blobs fetched from peers are verified against their CID before they are stored; GetBlob
// of a blob being fetched streams it while it arrives and ends with an error if it does not verify
// (follow-download.ts).

import { invalidArgument, MoltmeshError } from '../errors/moltmesh-error.ts'
import { isDid } from '../identity/did.ts'
import type { Logger } from '../log/logger.ts'
import type { Counter } from '../metrics/metrics.ts'
import { type NameResolver, resolveAgent } from '../p2p/target.ts'
import type { Part } from '../wire/gen/moltmesh/wire/v1/parts.ts'
import { artifactPart } from './artifact-part.ts'
import type { BlobFetcher } from './blob-fetcher.ts'
import type { BlobFiles, ChunkLayout } from './blob-files.ts'
import { READ_CHUNK_BYTES } from './blob-files.ts'
import type { BlobIndex } from './blob-index.ts'
import type { BlobStore } from './blob-store.ts'
import { parseBlobCid } from './cid.ts'
import {
  createDownloadProgress,
  type DownloadHeader,
  type DownloadProgress,
  type FetchObserver,
} from './download-progress.ts'
import { followDownload } from './follow-download.ts'
import type { KeyedLock } from './keyed-lock.ts'
import type { BlobRecord, CollectResult, PutMetadata } from './records.ts'

export interface ArtifactsServiceComponents {
  store: BlobStore
  index: BlobIndex
  files: BlobFiles
  fetcher: BlobFetcher
  lock: KeyedLock
  logger: Logger
  selfDid: string
  resolveName: NameResolver
  collect: (options: { dryRun: boolean }) => Promise<CollectResult>
  /** Bytes received from clients. */
  uploaded: Counter
}

const MAX_NAME_LENGTH = 1024
const MAX_MEDIA_TYPE_LENGTH = 256
const MAX_REF_LENGTH = 512

interface Fetch {
  promise: Promise<BlobRecord>
  controller: AbortController
  progress: DownloadProgress
  waiters: number
}

/** One caller's share of a download: `leave()` when done with it (idempotent). */
interface Share {
  fetch: Fetch
  leave(): void
}

const notFound = (cid: string, why: string) =>
  new MoltmeshError('not_found', 'BLOB_NOT_FOUND', `blob ${cid} ${why}`)

/** `promise`, or the abort reason of `signal` if that comes first. */
async function abortable<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (signal == null) return promise
  signal.throwIfAborted()
  let onAbort: (() => void) | undefined
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
  })
  try {
    return await Promise.race([promise, aborted])
  } finally {
    if (onAbort != null) signal.removeEventListener('abort', onAbort)
  }
}

export function createArtifactsService(c: ArtifactsServiceComponents) {
  const fetches = new Map<string, Fetch>()

  /**
   * Joins the download of `cid` from the first candidate that has it, starting it if none runs. One
   * download per CID runs at a time: callers asking for the same blob share it, and it is cancelled
   * only when all of them have left (by `leave()` or by their signal aborting).
   */
  async function join(cid: string, candidates: string[], signal?: AbortSignal): Promise<Share> {
    let f = fetches.get(cid)
    while (f?.controller.signal.aborted) {
      // Everyone left that download and it is winding down: let it flush, then start afresh.
      await f.promise.catch(() => undefined)
      f = fetches.get(cid)
    }
    signal?.throwIfAborted()
    if (f == null) {
      const controller = new AbortController()
      const progress = createDownloadProgress()
      const promise = tryHolders(cid, candidates, controller.signal, progress.observer).finally(() => {
        fetches.delete(cid)
        progress.finish()
      })
      promise.catch(() => undefined)
      f = { promise, controller, progress, waiters: 0 }
      fetches.set(cid, f)
    }
    const fetch = f
    fetch.waiters++
    let left = false
    const leave = () => {
      if (left) return
      left = true
      signal?.removeEventListener('abort', leave)
      if (--fetch.waiters === 0) fetch.controller.abort(signal?.reason)
    }
    signal?.addEventListener('abort', leave, { once: true })
    return { fetch, leave }
  }

  /** Waits for the download to be complete, verified and stored. */
  async function fetchShared(cid: string, candidates: string[], signal?: AbortSignal): Promise<BlobRecord> {
    const share = await join(cid, candidates, signal)
    try {
      return await abortable(share.fetch.promise, signal)
    } finally {
      share.leave()
    }
  }

  /** Resolves once the holder's header arrived (or the download settled, in which case `undefined`). */
  async function headerOf(f: Fetch, signal?: AbortSignal): Promise<DownloadHeader | undefined> {
    while (f.progress.header == null && !f.progress.finished) await f.progress.changed(signal)
    // A download that failed before any header fails the call as a whole (not found, unreachable …).
    if (f.progress.header == null) await f.promise
    return f.progress.header
  }

  async function tryHolders(
    cid: string,
    candidates: string[],
    signal: AbortSignal,
    observer: FetchObserver,
  ): Promise<BlobRecord> {
    const errors: unknown[] = []
    for (const did of candidates) {
      signal.throwIfAborted()
      try {
        const record = await c.fetcher.fetch(cid, did, signal, observer)
        await c.index.noteHolder(cid, did)
        return record
      } catch (err) {
        if (signal.aborted) throw err
        c.logger.debug({ cid, from: did, err: (err as Error).message }, 'fetch from holder failed')
        errors.push(err)
      }
    }
    // Every holder said "not found": not found. Otherwise the most telling failure (unreachable,
    // corrupt content, too large) is what the caller needs to hear.
    throw errors.find((e) => (e as MoltmeshError).reason !== 'BLOB_NOT_FOUND') ?? errors[0]
  }

  function checkRef(ref: string): void {
    if (ref === '' || ref.length > MAX_REF_LENGTH)
      throw invalidArgument('INVALID_ARGUMENT', `a blob reference is 1-${MAX_REF_LENGTH} characters`)
  }

  /** Who to fetch `cid` from: the agent in `from` (DID or claimed name), else the known holders. */
  async function candidatesFor(cid: string, from: string, signal?: AbortSignal): Promise<string[]> {
    if (from.trim() !== '') {
      const did = await resolveAgent(from, c.resolveName, { signal })
      if (did === c.selfDid) throw notFound(cid, 'is not in the local store')
      return [did]
    }
    const candidates = (await c.index.holders(cid)).filter((d) => d !== c.selfDid)
    if (candidates.length === 0)
      throw notFound(cid, 'is not in the local store and no holder is known (give `from`)')
    return candidates
  }

  /** The local record of `cid`, fetched from `from` or from a known holder when not held here. */
  async function obtain(cid: string, from: string, signal?: AbortSignal): Promise<BlobRecord> {
    const local = await c.store.get(cid)
    if (local != null) return local
    return fetchShared(cid, await candidatesFor(cid, from, signal), signal)
  }

  const pastTheEnd = (offset: number, size: number) =>
    invalidArgument('INVALID_ARGUMENT', `offset ${offset} is past the end (${size} bytes)`)

  /**
   * GetBlob of a blob being fetched: the record the holder announced, and chunks read behind the
   * download as they are written (follow-download.ts has the contract).
   */
  async function streamWhileFetching(
    cid: string,
    offset: number,
    layout: ChunkLayout | undefined,
    candidates: string[],
    signal?: AbortSignal,
  ): Promise<{ record: BlobRecord; chunks: AsyncIterable<Uint8Array> }> {
    const share = await join(cid, candidates, signal)
    let header: DownloadHeader | undefined
    try {
      header = await headerOf(share.fetch, signal)
    } catch (err) {
      share.leave()
      throw err
    }
    if (header == null || share.fetch.progress.finished) {
      // Done before we looked (a small blob): read it from the store like any local blob.
      share.leave()
      const record = await abortable(share.fetch.promise, signal)
      if (offset > record.size) throw pastTheEnd(offset, record.size)
      return { record, chunks: c.store.read(cid, offset, { signal, layout }) }
    }
    if (offset > header.size) {
      share.leave()
      throw pastTheEnd(offset, header.size)
    }
    const now = Date.now()
    // What the record will be once the content verifies; the client sees it in the first message.
    const record: BlobRecord = {
      cid,
      size: header.size,
      name: header.name,
      mediaType: header.mediaType,
      createdAtMs: now,
      pinnedUntilMs: now + c.store.gcGraceMs,
      origin: 'fetch',
      fetchedFrom: header.from,
    }
    const chunks = followDownload({
      cid,
      partialPath: c.files.partialPath(cid),
      offset,
      size: header.size,
      progress: share.fetch.progress,
      outcome: share.fetch.promise,
      readStored: (from) => c.store.read(cid, from, { signal, layout }),
      chunkBytes: READ_CHUNK_BYTES,
      layout,
      signal,
    })
    return { record, chunks: leaveAfter(chunks, share) }
  }

  return {
    /** Stores an upload. Chunks are consumed as they come; nothing is buffered beyond one chunk. */
    async put(
      meta: PutMetadata,
      chunks: AsyncIterable<Uint8Array>,
      signal?: AbortSignal,
    ): Promise<BlobRecord> {
      if (meta.name.length > MAX_NAME_LENGTH)
        throw invalidArgument('INVALID_ARGUMENT', `name is longer than ${MAX_NAME_LENGTH} characters`)
      if (meta.mediaType.length > MAX_MEDIA_TYPE_LENGTH)
        throw invalidArgument(
          'INVALID_ARGUMENT',
          `media_type is longer than ${MAX_MEDIA_TYPE_LENGTH} characters`,
        )
      if (meta.size < 0) throw invalidArgument('INVALID_ARGUMENT', 'size must not be negative')
      const counted = async function* () {
        for await (const chunk of chunks) {
          c.uploaded.inc({}, chunk.length)
          yield chunk
        }
      }
      return c.store.put(meta, counted(), signal)
    },

    /**
     * A blob's record and its content from `offset`. A blob not held here is fetched first (from
     * `from`, a DID or claimed name, else from known holders) and verified. Chunks are laid out as
     * `options.layout` says (blob-files.ts ChunkLayout).
     */
    async get(
      cidInput: string,
      options: { offset: number; from: string; layout?: ChunkLayout },
      signal?: AbortSignal,
    ): Promise<{ record: BlobRecord; chunks: AsyncIterable<Uint8Array> }> {
      const cid = parseBlobCid(cidInput)
      if (!Number.isSafeInteger(options.offset) || options.offset < 0)
        throw invalidArgument('INVALID_ARGUMENT', 'offset must be a non-negative integer')
      const local = await c.store.get(cid)
      if (local == null)
        return streamWhileFetching(
          cid,
          options.offset,
          options.layout,
          await candidatesFor(cid, options.from, signal),
          signal,
        )
      if (options.offset > local.size) throw pastTheEnd(options.offset, local.size)
      return { record: local, chunks: c.store.read(cid, options.offset, { signal, layout: options.layout }) }
    },

    async stat(cidInput: string): Promise<{ record: BlobRecord; references: string[] }> {
      const cid = parseBlobCid(cidInput)
      const record = await c.store.get(cid)
      if (record == null) throw notFound(cid, 'is not in the local store')
      return { record, references: await c.index.references(cid) }
    },

    collect: (options: { dryRun: boolean }) => c.collect(options),

    /** Keeps `cid` from garbage collection until removeReference; the blob need not be held yet. */
    async addReference(cidInput: string, ref: string): Promise<void> {
      const cid = parseBlobCid(cidInput)
      checkRef(ref)
      await c.lock(cid, () => c.index.addReference(cid, ref))
    },

    /** Drops a reference; returns whether it existed. */
    async removeReference(cidInput: string, ref: string): Promise<boolean> {
      const cid = parseBlobCid(cidInput)
      checkRef(ref)
      return c.lock(cid, () => c.index.removeReference(cid, ref))
    },

    /** Remembers that `did` holds `cid` (e.g. from an artifact reference), for fetches without `from`. */
    async noteHolder(cidInput: string, did: string): Promise<void> {
      const cid = parseBlobCid(cidInput)
      if (!isDid(did)) throw invalidArgument('INVALID_DID', `"${did}" is not an Ed25519 did:key`)
      if (did !== c.selfDid) await c.index.noteHolder(cid, did)
    },

    /** Makes `cid` local, fetching it from `did` if needed (verified); returns its record. */
    async fetchFrom(cidInput: string, did: string, signal?: AbortSignal): Promise<BlobRecord> {
      const cid = parseBlobCid(cidInput)
      if (!isDid(did)) throw invalidArgument('INVALID_DID', `"${did}" is not an Ed25519 did:key`)
      return obtain(cid, did, signal)
    },

    /** A content part for a stored blob: inline when <= 64 KiB, else a reference naming this daemon. */
    async artifactPart(cidInput: string): Promise<Part> {
      const { record } = await this.stat(cidInput)
      return artifactPart(record, c.selfDid, (cid) => c.files.readAll(cid))
    },

    /** CIDs being downloaded right now. */
    fetching: (): ReadonlySet<string> => new Set(fetches.keys()),

    /** Cancels every download (the daemon is stopping); partial files stay for the next start. */
    abortFetches(): void {
      for (const f of fetches.values()) f.controller.abort(new Error('the daemon is stopping'))
    },
  }
}

/** Streams `chunks`, then leaves the download (also when the consumer stops early or it fails). */
async function* leaveAfter(chunks: AsyncIterable<Uint8Array>, share: Share): AsyncGenerator<Uint8Array> {
  try {
    yield* chunks
  } finally {
    share.leave()
  }
}

export type ArtifactsService = ReturnType<typeof createArtifactsService>
