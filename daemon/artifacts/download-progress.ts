// What the readers of a download in progress can see of it, so GetBlob streams while B fetches: the
// holder's header once one arrived, how many bytes of partial/<cid> are written (and so readable), and
// a generation that moves on whenever the partial file is thrown away (its content did not verify, or
// it cannot be a prefix of the blob). A reader that sent bytes of a generation that was thrown away
// must fail: those bytes were never verified and never will be.

import { MoltmeshError } from '../errors/moltmesh-error.ts'

/** What the holder announced; the first header of a download is what readers promise their clients. */
export interface DownloadHeader {
  size: number
  name: string
  mediaType: string
  from: string
}

/** How a fetch reports its progress (blob-fetcher.ts calls these). */
export interface FetchObserver {
  /** A holder answered OK with this header (after the size checks). */
  header(header: DownloadHeader): void
  /** The partial file now holds `size` bytes, all written (readable with a positional read). */
  wrote(size: number): void
  /** The partial file was deleted: whatever was read from it is not the blob. */
  discarded(why: MoltmeshError): void
}

export function createDownloadProgress() {
  let header: DownloadHeader | undefined
  let written = 0
  let generation = 0
  let discardedBecause: MoltmeshError | undefined
  let finished = false
  let waiters: Array<() => void> = []
  const notify = () => {
    const woken = waiters
    waiters = []
    for (const wake of woken) wake()
  }

  const observer: FetchObserver = {
    header(h) {
      header ??= h
      notify()
    },
    wrote(size) {
      written = size
      notify()
    },
    discarded(why) {
      generation++
      written = 0
      discardedBecause = why
      notify()
    },
  }

  return {
    observer,
    get header() {
      return header
    },
    get written() {
      return written
    },
    get generation() {
      return generation
    },
    /** The error that made the latest generation go. */
    get discardedBecause() {
      return discardedBecause
    },
    /** The download has settled (verified and stored, or failed). */
    get finished() {
      return finished
    },
    finish(): void {
      finished = true
      notify()
    },
    /** Resolves at the next change of any of the above; rejects when `signal` aborts. */
    changed(signal?: AbortSignal): Promise<void> {
      return new Promise<void>((resolve, reject) => {
        signal?.throwIfAborted()
        const onAbort = () => {
          waiters = waiters.filter((w) => w !== wake)
          reject(signal?.reason)
        }
        const wake = () => {
          signal?.removeEventListener('abort', onAbort)
          resolve()
        }
        waiters.push(wake)
        signal?.addEventListener('abort', onAbort, { once: true })
      })
    },
  }
}

export type DownloadProgress = ReturnType<typeof createDownloadProgress>

/**
 * What a reader that already sent bytes of a thrown-away partial file ends with: the reason it was
 * thrown away (BLOB_HASH_MISMATCH, or BLOB_UNAVAILABLE for a holder that broke the protocol).
 */
export function unverifiedBytesSent(cid: string, cause: MoltmeshError | undefined): MoltmeshError {
  return (
    cause ??
    new MoltmeshError(
      'unavailable',
      'BLOB_HASH_MISMATCH',
      `the bytes of ${cid} streamed so far came from content that did not verify; nothing was stored`,
    )
  )
}
