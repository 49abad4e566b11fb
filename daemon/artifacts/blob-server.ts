// Holder side of /moltmesh/blob/1.0.0: serves blobs held in the local store, and nothing else (no
// proxying). Every limit is explicit: request frames are tiny (anything larger is hostile), each peer
// gets a few concurrent transfers (more are answered BUSY), and chunk bytes in flight never exceed the
// credit the requester granted, so a slow or stalled requester costs this daemon one chunk of memory.
// Hostile input (a bad CID, an oversized or malformed frame) is refused, logged and counted.

import type { Connection, Stream } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import { tryDidFromPeerId } from '../identity/did.ts'
import type { Logger } from '../log/logger.ts'
import type { Counter } from '../metrics/metrics.ts'
import { isFrameTooLarge } from '../p2p/frame-errors.ts'
import {
  BLOB_CHUNK_MAX_BYTES,
  type BlobHeader,
  BlobStatus,
  chunkFrameHead,
  decodeBlobFrame,
  encodeBlobFrame,
} from '../wire/blob-codec.ts'
import type { BlobStore } from './blob-store.ts'
import { parseBlobCid } from './cid.ts'

export interface BlobServerComponents {
  store: BlobStore
  logger: Logger
  hostile: Counter
  /** Bytes sent to peers. */
  served: Counter
  maxStreamsPerPeer: number
}

/** Requester frames are a request or a credit: a few dozen bytes. */
const MAX_REQUEST_FRAME_BYTES = 1024
/** Credit a requester may hold at once; a larger window is capped to it. */
export const MAX_WINDOW_BYTES = 16 * 1024 * 1024
/** Chunks sent to peers: a full frame (fewer frames, writes and credits per byte than smaller ones). */
const SEND_CHUNK_BYTES = 1024 * 1024
/** Transfers served at once, across all peers. */
const MAX_TOTAL_STREAMS = 64
const REQUEST_TIMEOUT_MS = 10_000
/** A requester that grants no credit for this long is cut off. */
const CREDIT_TIMEOUT_MS = 60_000

export function createBlobServer(c: BlobServerComponents) {
  const active = new Map<string, number>()
  let total = 0

  async function handle(stream: Stream, connection: Connection): Promise<void> {
    const peer = tryDidFromPeerId(connection.remotePeer) ?? connection.remotePeer.toString()
    const lp = lpStream(stream, { maxDataLength: MAX_REQUEST_FRAME_BYTES })
    const refuse = async (status: BlobStatus, reason: string): Promise<void> => {
      await lp.write(encodeBlobFrame({ header: { status, reason } as BlobHeader }))
      await stream.close()
    }
    const hostile = (reason: string, detail?: unknown): void => {
      c.hostile.inc({ protocol: 'blob', reason })
      c.logger.warn({ peer, reason, detail }, 'refused blob request')
    }
    const perPeer = active.get(peer) ?? 0
    if (perPeer >= c.maxStreamsPerPeer || total >= MAX_TOTAL_STREAMS) {
      await refuse(BlobStatus.BLOB_STATUS_BUSY, 'TOO_MANY_STREAMS').catch(() =>
        stream.abort(new Error('busy')),
      )
      return
    }
    active.set(peer, perPeer + 1)
    total++
    try {
      let frame: ReturnType<typeof decodeBlobFrame>
      try {
        frame = decodeBlobFrame(
          (await lp.read({ signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) })).subarray(),
        )
      } catch (err) {
        const name = (err as Error).name
        if (isFrameTooLarge(err)) hostile('FRAME_TOO_LARGE')
        else if (name !== 'TimeoutError' && name !== 'UnexpectedEOFError') hostile('MALFORMED_FRAME', name)
        stream.abort(err as Error)
        return
      }
      const request = frame.request
      if (request == null) {
        hostile('MALFORMED_FRAME', 'first frame is not a request')
        stream.abort(new Error('expected a request'))
        return
      }
      let cid: string
      try {
        cid = parseBlobCid(request.cid)
      } catch {
        hostile('INVALID_CID', request.cid.slice(0, 100))
        await refuse(BlobStatus.BLOB_STATUS_INVALID, 'INVALID_CID')
        return
      }
      if (request.offset < 0 || request.window <= 0) {
        hostile('INVALID_REQUEST', { offset: request.offset, window: request.window })
        await refuse(BlobStatus.BLOB_STATUS_INVALID, 'INVALID_REQUEST')
        return
      }
      const record = await c.store.get(cid)
      if (record == null) {
        await refuse(BlobStatus.BLOB_STATUS_NOT_FOUND, 'BLOB_NOT_FOUND')
        return
      }
      if (request.offset > record.size) {
        await refuse(BlobStatus.BLOB_STATUS_INVALID, 'OFFSET_OUT_OF_RANGE')
        return
      }
      await lp.write(
        encodeBlobFrame({
          header: {
            status: BlobStatus.BLOB_STATUS_OK,
            size: record.size,
            mediaType: record.mediaType,
            name: record.name,
            reason: '',
          },
        }),
      )
      await send(stream, lp, cid, request.offset, Math.min(request.window, MAX_WINDOW_BYTES), peer, hostile)
    } catch (err) {
      c.logger.debug({ peer, err }, 'blob transfer ended with an error')
      stream.abort(err as Error)
    } finally {
      total--
      const left = (active.get(peer) ?? 1) - 1
      if (left <= 0) active.delete(peer)
      else active.set(peer, left)
    }
  }

  /** Streams content from `offset` while credit lasts; a reader loop adds the requester's credits. */
  async function send(
    stream: Stream,
    lp: ReturnType<typeof lpStream>,
    cid: string,
    offset: number,
    window: number,
    peer: string,
    hostile: (reason: string, detail?: unknown) => void,
  ): Promise<void> {
    let credit = window
    let wake: (() => void) | undefined
    let failure: Error | undefined
    const readCredits = (async () => {
      while (true) {
        let bytes: Uint8Array
        try {
          const next = await lp.read()
          bytes = next.subarray()
        } catch (err) {
          // EOF (the requester closed its side) or a reset ends the transfer either way.
          if (isFrameTooLarge(err)) hostile('FRAME_TOO_LARGE')
          failure = err as Error
          break
        }
        let grant: number | undefined
        try {
          grant = decodeBlobFrame(bytes).credit?.bytes
        } catch {
          grant = undefined
        }
        if (grant == null || grant <= 0) {
          hostile('MALFORMED_FRAME', 'expected a credit')
          failure = new Error('malformed credit')
          stream.abort(failure)
          break
        }
        credit = Math.min(credit + grant, MAX_WINDOW_BYTES)
        wake?.()
      }
      wake?.()
    })()
    const waitForCredit = async (): Promise<void> => {
      const deadline = Date.now() + CREDIT_TIMEOUT_MS
      while (credit <= 0) {
        if (failure != null) throw failure
        const remaining = deadline - Date.now()
        if (remaining <= 0) throw new Error('requester granted no credit in time')
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, remaining)
          wake = () => {
            clearTimeout(timer)
            resolve()
          }
        })
        wake = undefined
      }
    }

    let position = offset
    for await (const chunk of c.store.read(cid, offset, { chunkBytes: SEND_CHUNK_BYTES })) {
      // Split a read into protocol chunks that fit the credit left.
      for (let at = 0; at < chunk.length; ) {
        await waitForCredit()
        const length = Math.min(chunk.length - at, SEND_CHUNK_BYTES, credit, BLOB_CHUNK_MAX_BYTES)
        // Head and content go out as two buffers: the content is never copied into a frame.
        stream.send(chunkFrameHead(position, length))
        if (!stream.send(chunk.subarray(at, at + length)))
          await stream.onDrain({ signal: AbortSignal.timeout(CREDIT_TIMEOUT_MS) })
        credit -= length
        position += length
        at += length
        c.served.inc({}, length)
      }
    }
    await stream.close()
    // readCredits ends by itself when the requester closes its side (it does once it has everything).
    void readCredits
    c.logger.debug({ peer, cid, offset, bytes: position - offset }, 'served blob')
  }

  return { handle }
}
