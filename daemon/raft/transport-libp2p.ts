// The Raft groups' network: /moltmesh/raft/1.0.0 on the daemons' libp2p connections.
//
// Raft messages are one-way and Raft tolerates their loss (it resends on the next heartbeat or
// append), so each member keeps one outbound stream per peer and writes length-prefixed RaftFrames on
// it, never waiting for a reply on that stream; answers come back on the peer's own stream. When a
// peer cannot be reached, or its queue is full, messages are dropped (and counted), not buffered.
//
// Inbound, every frame is checked before the core sees it: size (the length prefix is capped), rate
// (a per-peer token bucket; a peer that keeps pushing past it is blocked for a while), shape (exactly
// one message, known kinds), recipient (this member) and group (one registered here). The sender is
// the DID of the connection's remote peer, which Noise authenticated with that peer's Ed25519 key: the
// frame itself carries no sender, so no frame can speak for another member, and frames need no
// signature of their own. Entries inside are signed by their proposers and checked by the core.
// Hostile input is dropped, logged and counted (moltmesh_hostile_input_total{protocol="raft"}); it
// never throws out of the handler.
//
// Not done here: signature checks of entries run inside the core's step on the event loop (about
// 45-350 µs each on a loaded machine); offloading them to worker threads is left to the daemon wiring.

import type { Connection, PeerId, Stream } from '@libp2p/interface'
import { type LengthPrefixedStream, lpStream } from '@libp2p/utils'
import { peerIdFromDid, tryDidFromPeerId } from '../identity/did.ts'
import type { Logger } from '../log/logger.ts'
import { createRateLimiter, type RateLimiter } from '../messaging/rate-limiter.ts'
import type { Metrics } from '../metrics/metrics.ts'
import { isFrameTooLarge } from '../p2p/frame-errors.ts'
import { decodeRaftFrame, encodeRaftFrame, RAFT_PROTOCOL } from '../wire/raft-codec.ts'
import type { RaftMessage } from './types.ts'

/** What the transport needs of a libp2p host. */
export interface RaftHost {
  handle(
    protocol: string,
    handler: (stream: Stream, connection: Connection) => void | Promise<void>,
    options?: { maxInboundStreams?: number; maxOutboundStreams?: number; runOnLimitedConnection?: boolean },
  ): Promise<void>
  unhandle(protocol: string): Promise<void>
  dialProtocol(
    peer: PeerId,
    protocol: string,
    options?: { signal?: AbortSignal; runOnLimitedConnection?: boolean },
  ): Promise<Stream>
}

export interface RaftTransportOptions {
  /** This member's DID: frames addressed to anyone else are refused. */
  did: string
  host: RaftHost
  logger: Logger
  metrics: Metrics
  /** Largest frame sent or accepted, in bytes (an append carries up to maxAppendBytes of entries). */
  maxFrameBytes?: number
  /** Frames a peer may send per second, all groups together, and the burst above that. */
  ratePerSecond?: number
  burst?: number
  /** Frames waiting for a peer's stream before new ones are dropped. */
  maxQueuedFrames?: number
  dialTimeoutMs?: number
  /** After a failed dial or write, messages to that peer are dropped for this long. */
  retryAfterMs?: number
}

export const RAFT_TRANSPORT_DEFAULTS = {
  maxFrameBytes: 4 * 1024 * 1024,
  ratePerSecond: 5_000,
  burst: 10_000,
  maxQueuedFrames: 4_096,
  dialTimeoutMs: 5_000,
  retryAfterMs: 500,
}

/** Refusals in a row (past the rate) after which a peer is blocked, and for how long. */
const BLOCK_AFTER_REFUSALS = 5_000
const BLOCK_MS = 30_000
const WRITE_TIMEOUT_MS = 10_000
/** An inbound stream silent this long is closed (the peer opens a new one when it has news). */
const READ_IDLE_TIMEOUT_MS = 5 * 60 * 1000
/** Streams per connection and direction: one is used, a few allow for reconnect races. */
const MAX_STREAMS = 4

type Deliver = (message: RaftMessage) => void

interface OutPeer {
  queue: Uint8Array[]
  writing: boolean
  stream?: Stream
  lp?: LengthPrefixedStream
  /** Until then messages are dropped: the last dial or write failed. */
  downUntil: number
}

export interface RaftTransport {
  start(): Promise<void>
  stop(): Promise<void>
  /** Routes frames of `groupId` to `deliver`; returns the function that unregisters it. */
  register(groupId: string, deliver: Deliver): () => void
  /** Sends best-effort: dropped (and counted) when the peer is unreachable or too far behind. */
  send(groupId: string, message: RaftMessage): void
}

export function createRaftTransport(o: RaftTransportOptions): RaftTransport {
  const opts = { ...RAFT_TRANSPORT_DEFAULTS, ...definedOnly(o) }
  const groups = new Map<string, Deliver>()
  const peers = new Map<string, OutPeer>()
  const inbound = new Set<Stream>()
  const limiter: RateLimiter = createRateLimiter({
    ratePerSecond: opts.ratePerSecond,
    burst: opts.burst,
    blockAfterRefusals: BLOCK_AFTER_REFUSALS,
    blockMs: BLOCK_MS,
  })
  const hostile = o.metrics.counter(
    'moltmesh_hostile_input_total',
    'Rejected hostile or malformed peer input, by reason',
  )
  const frames = o.metrics.counter('moltmesh_raft_frames_total', 'Raft frames, by direction and outcome')
  let running = false

  function refuse(peer: string, reason: string, detail?: string): void {
    hostile.inc({ protocol: 'raft', reason })
    frames.inc({ direction: 'in', result: 'rejected' })
    o.logger.warn({ peer, reason, detail }, 'rejected raft frame')
  }

  async function handle(stream: Stream, connection: Connection): Promise<void> {
    const remote = tryDidFromPeerId(connection.remotePeer)
    if (remote == null || limiter.isBlocked(remote)) {
      hostile.inc({ protocol: 'raft', reason: remote == null ? 'NOT_ED25519' : 'BLOCKED' })
      stream.abort(new Error('refused'))
      return
    }
    inbound.add(stream)
    const lp = lpStream(stream, { maxDataLength: opts.maxFrameBytes })
    try {
      while (running) {
        let bytes: Uint8Array
        try {
          bytes = (await lp.read({ signal: AbortSignal.timeout(READ_IDLE_TIMEOUT_MS) })).subarray()
        } catch (err) {
          if (isFrameTooLarge(err)) {
            refuse(remote, 'FRAME_TOO_LARGE', (err as Error).message)
            stream.abort(err as Error)
          }
          return // closed, reset or idle
        }
        if (!onFrame(remote, bytes)) {
          // The peer speaks garbage or ignores back-pressure: this stream is done.
          stream.abort(new Error('refused'))
          return
        }
      }
    } catch (err) {
      o.logger.debug({ peer: remote, err }, 'raft stream ended with an error')
      stream.abort(err as Error)
    } finally {
      inbound.delete(stream)
    }
  }

  /** Handles one frame; false when the stream should be closed. */
  function onFrame(remote: string, bytes: Uint8Array): boolean {
    const decision = limiter.take(remote)
    if (!decision.allowed) {
      hostile.inc({ protocol: 'raft', reason: decision.blocked ? 'BLOCKED' : 'RATE_LIMITED' })
      frames.inc({ direction: 'in', result: 'rate_limited' })
      if (decision.blocked)
        o.logger.warn({ peer: remote }, 'raft peer ignores its rate limit: blocked for a while')
      return !decision.blocked
    }
    let decoded: ReturnType<typeof decodeRaftFrame>
    try {
      decoded = decodeRaftFrame(bytes, remote)
    } catch (err) {
      refuse(remote, 'MALFORMED_FRAME', String((err as Error).message).slice(0, 200))
      return false
    }
    const { groupId, message } = decoded
    if (message.to !== o.did) {
      refuse(remote, 'WRONG_RECIPIENT', `frame for ${message.to.slice(0, 100)}`)
      return true
    }
    const deliver = groups.get(groupId)
    if (deliver == null) {
      // Also what a member sees for a thread it left or has not joined yet: not necessarily hostile,
      // but counted all the same so a flood shows up.
      refuse(remote, 'UNKNOWN_GROUP', groupId.slice(0, 100))
      return true
    }
    try {
      deliver(message)
      frames.inc({ direction: 'in', result: 'delivered' })
    } catch (err) {
      refuse(remote, 'PROCESSING_FAILED', String((err as Error).message).slice(0, 200))
      o.logger.error({ peer: remote, err }, 'raft group failed to take a frame')
    }
    return true
  }

  function closePeer(p: OutPeer): void {
    p.stream?.abort(new Error('raft transport: closing'))
    p.stream = undefined
    p.lp = undefined
  }

  async function flush(did: string, p: OutPeer): Promise<void> {
    p.writing = true
    try {
      while (running && p.queue.length > 0) {
        if (p.lp == null) {
          p.stream = await o.host.dialProtocol(peerIdFromDid(did), RAFT_PROTOCOL, {
            signal: AbortSignal.timeout(opts.dialTimeoutMs),
            runOnLimitedConnection: true,
          })
          p.lp = lpStream(p.stream, { maxDataLength: opts.maxFrameBytes })
        }
        const batch = p.queue.splice(0)
        await p.lp.writeV(batch, { signal: AbortSignal.timeout(WRITE_TIMEOUT_MS) })
        frames.inc({ direction: 'out', result: 'sent' }, batch.length)
      }
    } catch (err) {
      frames.inc({ direction: 'out', result: 'unreachable' }, p.queue.length + 1)
      o.logger.debug(
        { peer: did, err: (err as Error).message },
        'raft peer unreachable: dropping its messages',
      )
      p.queue = []
      p.downUntil = Date.now() + opts.retryAfterMs
      closePeer(p)
    } finally {
      p.writing = false
    }
  }

  return {
    async start() {
      running = true
      await o.host.handle(RAFT_PROTOCOL, handle, {
        maxInboundStreams: MAX_STREAMS,
        maxOutboundStreams: MAX_STREAMS,
        runOnLimitedConnection: true,
      })
    },

    async stop() {
      running = false
      await o.host.unhandle(RAFT_PROTOCOL).catch(() => undefined)
      for (const p of peers.values()) closePeer(p)
      peers.clear()
      for (const s of inbound) s.abort(new Error('raft transport stopped'))
      inbound.clear()
    },

    register(groupId, deliver) {
      if (groups.has(groupId)) throw new Error(`raft group ${groupId} is already registered`)
      groups.set(groupId, deliver)
      return () => {
        if (groups.get(groupId) === deliver) groups.delete(groupId)
      }
    },

    send(groupId, message) {
      if (!running || message.to === o.did) return
      const bytes = encodeRaftFrame(groupId, message)
      if (bytes.length > opts.maxFrameBytes) {
        // The core caps appends by maxAppendBytes; only a huge snapshot gets here. Chunked snapshot
        // transfer is not built yet.
        frames.inc({ direction: 'out', result: 'too_large' })
        o.logger.warn(
          { peer: message.to, type: message.type, bytes: bytes.length },
          'raft frame too large to send',
        )
        return
      }
      let p = peers.get(message.to)
      if (p == null) {
        p = { queue: [], writing: false, downUntil: 0 }
        peers.set(message.to, p)
      }
      if (p.downUntil > Date.now()) {
        frames.inc({ direction: 'out', result: 'unreachable' })
        return
      }
      if (p.queue.length >= opts.maxQueuedFrames) {
        frames.inc({ direction: 'out', result: 'queue_full' })
        return
      }
      p.queue.push(bytes)
      if (p.writing) return
      // Flushed after the current run of sends (a member sends a whole batch's messages at once): one
      // write, so one encryption and one socket write, per peer per batch instead of per frame.
      p.writing = true
      const to = message.to
      const peer = p
      queueMicrotask(() => void flush(to, peer))
    },
  }
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
}
