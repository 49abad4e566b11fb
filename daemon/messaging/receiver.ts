// Inbound side of /moltmesh/msg/1.0.0: every envelope is checked (rate, sender = authenticated peer,
// recipient, expiry, size, signature, body), de-duplicated, persisted, and only then acknowledged.
// Hostile input is answered with a reason code or the stream is cut; it is logged and counted.

import type { Connection, Stream } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import type { EventBus } from '../events/event-bus.ts'
import { tryDidFromPeerId } from '../identity/did.ts'
import type { Logger } from '../log/logger.ts'
import type { Metrics } from '../metrics/metrics.ts'
import { isFrameTooLarge } from '../p2p/frame-errors.ts'
import {
  AckStatus,
  type ChannelFrame,
  type ChannelName,
  channelOf,
  type DeliveryAck,
  decodeFrame,
  decodeReceivedBody,
  type Envelope,
  encodeFrame,
  unknownBodyFields,
  verifyEnvelope,
} from '../wire/messaging-codec.ts'
import { InvalidUtf8Error } from '../wire/strict-utf8.ts'
import type { ChannelRegistry } from './channels.ts'
import { hop } from './hop-trace.ts'
import type { InboxStore } from './inbox-store.ts'
import type { PeerQuota } from './peer-quota.ts'
import type { RateLimiter } from './rate-limiter.ts'

export interface ReceiverComponents {
  did: string
  inbox: InboxStore
  /** Whether a message or frame this daemon sent has this id (a received one must not shadow it). */
  ownIdTaken: (id: string) => Promise<boolean>
  events: EventBus
  logger: Logger
  metrics: Metrics
  limiter: RateLimiter
  /** Per-peer inbox quotas (unacknowledged messages and bytes). */
  quota: Pick<PeerQuota, 'check' | 'stored'>
  maxPayloadBytes: number
  inboxMaxMessages: number
  /** Frames of other subsystems (a body with a channel field set) are handed to their channel. */
  channels: Pick<ChannelRegistry, 'dispatch' | 'keyOf'>
}

type Answer = Promise<Partial<DeliveryAck>>

/**
 * The order of one stream's frames. Each frame takes its place once its checks are done, in stream
 * order (`placed` of the frame before it): a channel frame with a key waits for the last frame of
 * its key and the last frame without one; a frame without a key waits for every frame before it.
 */
interface StreamOrder {
  /** Every answer so far, combined: the first RETRY_LATER among them, else STORED. */
  all: Answer
  /** `all` as it was up to and with the last frame without a key. */
  barrier: Answer
  /** The last answer of each key since the barrier (dropped once answered, unless RETRY_LATER). */
  keys: Map<string, Answer>
  /** Resolves once the frame read last has taken its place. */
  placed: Promise<void>
}

const STORED_ANSWER: Answer = Promise.resolve({ status: AckStatus.ACK_STATUS_STORED })

function newOrder(): StreamOrder {
  return { all: STORED_ANSWER, barrier: STORED_ANSWER, keys: new Map(), placed: Promise.resolve() }
}

/** The first RETRY_LATER of two answers, else the later one (STORED, REJECTED or DUPLICATE). */
async function combine(first: Answer, second: Answer): Answer {
  const a = await first
  if (a.status === AckStatus.ACK_STATUS_RETRY_LATER) return a
  return second
}

/** Envelope overhead on top of the body: ids, DIDs, signature, framing. */
const ENVELOPE_OVERHEAD_BYTES = 4096
const MAX_ID_LENGTH = 128
const CLOCK_SKEW_MS = 5 * 60 * 1000
const READ_IDLE_TIMEOUT_MS = 5 * 60 * 1000
/** Frames of one stream handled at once; the sender's window (delivery.ts) is the same. */
const RECEIVE_WINDOW = 64

export function createReceiver(c: ReceiverComponents) {
  /** Message ids between their duplicate check and their write (the check and write are not atomic). */
  const storing = new Set<string>()
  const received = c.metrics.counter('moltmesh_messages_received_total', 'Inbound envelopes, by outcome')
  const hostile = c.metrics.counter(
    'moltmesh_hostile_input_total',
    'Rejected hostile or malformed peer input, by reason',
  )

  function reject(id: string, reason: string, from: string, detail?: string): Partial<DeliveryAck> {
    hostile.inc({ protocol: 'msg', reason })
    received.inc({ result: 'rejected' })
    c.logger.warn({ peer: from, id, reason, detail }, 'rejected inbound message')
    return { id, status: AckStatus.ACK_STATUS_REJECTED, reason }
  }

  /**
   * Every frame gets an answer: a failure anywhere while handling one (a bug, a poison input that
   * throws) refuses that frame with PROCESSING_FAILED and counts it, so the sender drops it and its
   * later frames are not stuck behind it. Storage errors ask for a retry instead.
   */
  async function guarded(
    e: Envelope,
    remoteDid: string,
    fn: () => Promise<Partial<DeliveryAck>>,
  ): Promise<Partial<DeliveryAck>> {
    try {
      return await fn()
    } catch (err) {
      // Storage trouble (closed while stopping, disk full, I/O error) is ours and may pass: the sender
      // keeps the frame and retries. Anything else would fail the same way again: refuse it.
      const code = String((err as { code?: unknown }).code ?? '')
      if (code.startsWith('LEVEL_') || /^E[A-Z]+$/.test(code))
        return {
          id: e.id,
          status: AckStatus.ACK_STATUS_RETRY_LATER,
          reason: 'NOT_READY',
          retryAfterMs: 5_000,
        }
      const detail = `${(err as Error).name}: ${String((err as Error).message).slice(0, 200)}`
      c.logger.error({ peer: remoteDid, id: e.id, err }, 'failed to handle an inbound frame')
      return reject(e.id.slice(0, MAX_ID_LENGTH), 'PROCESSING_FAILED', remoteDid, detail)
    }
  }

  /** An answer that is decided but not yet counted: counted only if the frame is not paused. */
  type Settle = () => Partial<DeliveryAck>
  type Checked =
    | { settle: Settle }
    | {
        body: ReturnType<typeof decodeReceivedBody>
        channel: Exclude<ReturnType<typeof channelOf>, 'several'>
      }

  /**
   * The checks that need nothing but the envelope (rate, fields, expiry, size, signature, body): they
   * run as soon as a frame arrives, side by side with the frames before it.
   */
  async function precheck(e: Envelope, remoteDid: string, now: number): Promise<Checked> {
    const decision = c.limiter.take(remoteDid)
    if (!decision.allowed)
      return {
        settle: () => {
          received.inc({ result: 'rate_limited' })
          hostile.inc({ protocol: 'msg', reason: decision.blocked ? 'BLOCKED' : 'RATE_LIMITED' })
          return {
            id: e.id,
            status: AckStatus.ACK_STATUS_RETRY_LATER,
            reason: 'RATE_LIMITED',
            retryAfterMs: decision.retryAfterMs,
          }
        },
      }
    const refuse = (id: string, reason: string, detail?: string): Checked => ({
      settle: () => reject(id, reason, remoteDid, detail),
    })
    if (e.id === '' || e.id.length > MAX_ID_LENGTH)
      return refuse(e.id.slice(0, MAX_ID_LENGTH), 'MALFORMED', 'bad id')
    if (e.from !== remoteDid) return refuse(e.id, 'SENDER_MISMATCH', `envelope claims ${e.from}`)
    if (e.to !== c.did) return refuse(e.id, 'WRONG_RECIPIENT', e.to)
    if (e.expiresAtMs <= now) return refuse(e.id, 'EXPIRED')
    if (e.createdAtMs > now + CLOCK_SKEW_MS) return refuse(e.id, 'MALFORMED', 'created in the future')
    if (e.body.length > c.maxPayloadBytes) return refuse(e.id, 'PAYLOAD_TOO_LARGE', `${e.body.length} bytes`)
    if (!(await verifyEnvelope(e))) return refuse(e.id, 'SIGNATURE_INVALID')
    let body: ReturnType<typeof decodeReceivedBody>
    try {
      body = decodeReceivedBody(e.body)
    } catch (err) {
      // Refused rather than stored with U+FFFD in place of the sender's bytes.
      if (err instanceof InvalidUtf8Error)
        return refuse(e.id, 'INVALID_UTF8', 'a text field of the body is not valid UTF-8')
      return refuse(e.id, 'MALFORMED', 'body does not decode')
    }
    const channel = channelOf(body)
    if (channel === 'several') return refuse(e.id, 'MALFORMED', 'body sets more than one channel')
    // No parts and a field this daemon does not know: a frame of a channel added by a newer version,
    // not an empty message. Refused for good, so the sender's subsystem learns it cannot reach us.
    if (channel == null && body.parts.length === 0) {
      const unknown = unknownBodyFields(e.body)
      if (unknown.length > 0)
        return refuse(e.id, 'UNKNOWN_CHANNEL', `body field(s) ${unknown.join(', ')} unknown here`)
    }
    return { body, channel }
  }

  /** The answer to a frame behind a RETRY_LATER on its stream: retry too, with the same reason. */
  function pause(e: Envelope, first: Partial<DeliveryAck>): Partial<DeliveryAck> {
    received.inc({ result: 'paused' })
    return {
      id: e.id,
      status: AckStatus.ACK_STATUS_RETRY_LATER,
      reason: first.reason,
      retryAfterMs: first.retryAfterMs,
    }
  }

  /**
   * Handles one frame of a stream. `before` is what the frame waits for (StreamOrder): the frames
   * before it on the stream, or for a channel frame with a key only those of its key and the last one
   * without a key. After a RETRY_LATER among them the frame is paused (refused for a retry, and not
   * stored), so frames the sender pipelined behind a refused one never overtake it (per-sender order,
   * per key for keyed frames). The checks run at once; anything that writes waits for `before`, so a
   * frame is stored only after the frames it waits for were; frames of different keys side by side.
   */
  function process(e: Envelope, remoteDid: string, order: StreamOrder): Answer {
    const placedBefore = order.placed
    let place: () => void = () => undefined
    order.placed = new Promise<void>((resolve) => {
      place = resolve
    })
    let answered: (ack: Partial<DeliveryAck> | Answer) => void = () => undefined
    const answer: Answer = new Promise<Partial<DeliveryAck>>((resolve) => {
      answered = resolve
    })
    let before: Answer = STORED_ANSWER
    /** Takes this frame's place in the stream's order (after the frame before it took its own). */
    const takePlace = async (key: string | undefined) => {
      await placedBefore
      if (key == null) {
        before = order.all
        order.keys.clear()
        order.all = combine(order.all, answer)
        order.barrier = order.all
      } else {
        const last = order.keys.get(key)
        before = last == null ? order.barrier : combine(order.barrier, last)
        order.keys.set(key, answer)
        order.all = combine(order.all, answer)
        void answer.then((a) => {
          if (order.keys.get(key) === answer && a.status !== AckStatus.ACK_STATUS_RETRY_LATER)
            order.keys.delete(key)
        })
      }
      place()
    }
    const run = async (): Answer => {
      let key: string | undefined
      let checked: Checked | undefined
      let failure: unknown
      try {
        checked = await precheck(e, remoteDid, Date.now())
        if (!('settle' in checked) && checked.channel != null)
          key = c.channels.keyOf(checked.channel.name, checked.channel.frame)
      } catch (err) {
        failure = err
      } finally {
        await takePlace(key)
      }
      return handleChecked(e, remoteDid, checked, failure, () => before)
    }
    // The answer never rejects (the frames after it wait for it): a failure refuses the frame.
    run().then(answered, (err: unknown) => answered(guarded(e, remoteDid, () => Promise.reject(err))))
    return answer
  }

  async function handleChecked(
    e: Envelope,
    remoteDid: string,
    checked: Checked | undefined,
    failure: unknown,
    beforeOf: () => Answer,
  ): Promise<Partial<DeliveryAck>> {
    const now = Date.now()
    const inTurn = async (): Promise<Partial<DeliveryAck> | undefined> => {
      const previous = await beforeOf()
      return previous.status === AckStatus.ACK_STATUS_RETRY_LATER ? pause(e, previous) : undefined
    }
    if (checked == null) {
      const failed = guarded(e, remoteDid, () => Promise.reject(failure))
      return (await inTurn()) ?? failed
    }
    if ('settle' in checked) return (await inTurn()) ?? checked.settle()
    const { body, channel } = checked
    hop?.('rcv.checked', e.id)
    if (channel != null) {
      const paused = await inTurn()
      if (paused != null) return paused
      hop?.('rcv.dispatch', e.id)
      const answer = await guarded(e, remoteDid, () => acceptFrame(e, channel.name, channel.frame, remoteDid))
      hop?.('rcv.handled', e.id)
      return answer
    }
    // Another stream of this sender is storing the same id right now: let the sender retry it.
    if (storing.has(e.id)) {
      const paused = await inTurn()
      if (paused != null) return paused
      return { id: e.id, status: AckStatus.ACK_STATUS_RETRY_LATER, reason: 'NOT_READY', retryAfterMs: 1_000 }
    }
    storing.add(e.id)
    try {
      return await guarded(e, remoteDid, () => store(e, body, remoteDid, now, inTurn))
    } finally {
      storing.delete(e.id)
    }
  }

  /** One frame alone (tests). */
  const accept = (e: Envelope, remoteDid: string) => process(e, remoteDid, newOrder())

  async function store(
    e: Envelope,
    body: ReturnType<typeof decodeReceivedBody>,
    remoteDid: string,
    now: number,
    inTurn: () => Promise<Partial<DeliveryAck> | undefined>,
  ): Promise<Partial<DeliveryAck>> {
    // The lookups run while earlier frames of the stream are still being written (their ids differ:
    // `storing` holds an id from its lookups to its write).
    const [duplicate, taken] = await Promise.all([
      c.inbox.isDuplicate(e.from, e.id),
      (async () => (await c.inbox.idTaken(e.id)) || (e.from !== c.did && (await c.ownIdTaken(e.id))))(),
    ])
    const paused = await inTurn()
    if (paused != null) return paused
    if (duplicate) {
      received.inc({ result: 'duplicate' })
      return { id: e.id, status: AckStatus.ACK_STATUS_DUPLICATE }
    }
    // Message ids are chosen by senders, and GetMessage/AckMessage look them up by id alone: an id
    // that another sender's message (or one of our own sent messages) already has is refused, so a
    // peer cannot shadow or ack-hijack someone else's message by reusing its id.
    if (taken) return reject(e.id, 'MESSAGE_ID_CONFLICT', remoteDid, 'id already used by another sender')
    // The quotas are checked in turn, after the frames before this one were counted.
    const over = c.quota.check(e.from, e.body.length, now)
    if (over != null) {
      received.inc({ result: 'over_quota' })
      hostile.inc({ protocol: 'msg', reason: over.reason })
      c.logger.debug({ peer: remoteDid, id: e.id, ...over }, 'inbound message over quota')
      return { id: e.id, status: AckStatus.ACK_STATUS_RETRY_LATER, reason: over.reason, retryAfterMs: 60_000 }
    }
    if (c.inbox.size >= c.inboxMaxMessages) {
      received.inc({ result: 'inbox_full' })
      return {
        id: e.id,
        status: AckStatus.ACK_STATUS_RETRY_LATER,
        reason: 'INBOX_FULL',
        retryAfterMs: 60_000,
      }
    }
    const record = await c.inbox.add({
      id: e.id,
      from: e.from,
      to: e.to,
      createdAtMs: e.createdAtMs,
      expiresAtMs: e.expiresAtMs,
      contextId: body.contextId,
      threadId: body.threadId,
      replyTo: body.replyTo,
      body: Buffer.from(e.body).toString('base64'),
      receivedAtMs: now,
      read: false,
      acked: false,
    })
    c.quota.stored(e.from)
    hop?.('rcv.stored', e.id)
    received.inc({ result: 'stored' })
    c.events.emit('message.received', { message: record })
    return { id: e.id, status: AckStatus.ACK_STATUS_STORED }
  }

  /** A frame for another subsystem: its registered channel stores it (or refuses it) before the ack. */
  async function acceptFrame(
    e: Envelope,
    name: ChannelName,
    frame: ChannelFrame,
    remoteDid: string,
  ): Promise<Partial<DeliveryAck>> {
    const outcome = await c.channels.dispatch(remoteDid, name, frame)
    switch (outcome.status) {
      case 'not_ready': // the daemon is starting: its subsystem has not registered yet
        return {
          id: e.id,
          status: AckStatus.ACK_STATUS_RETRY_LATER,
          reason: 'NOT_READY',
          retryAfterMs: 1_000,
        }
      case 'unknown':
        return reject(e.id, 'UNKNOWN_CHANNEL', remoteDid, `no subsystem here takes "${name}" frames`)
      case 'rejected':
        return reject(e.id, outcome.reason, remoteDid, outcome.detail)
    }
    received.inc({ result: outcome.status === 'stored' ? `${name}_frame` : 'duplicate' })
    return {
      id: e.id,
      status: outcome.status === 'stored' ? AckStatus.ACK_STATUS_STORED : AckStatus.ACK_STATUS_DUPLICATE,
    }
  }

  /**
   * The protocol handler: one stream carries any number of envelope/ack exchanges. Up to
   * RECEIVE_WINDOW frames are handled at once (see process()); their acks go back in frame order, each
   * only once its own frame is stored.
   */
  async function handle(stream: Stream, connection: Connection): Promise<void> {
    const remoteDid = tryDidFromPeerId(connection.remotePeer)
    if (remoteDid == null || c.limiter.isBlocked(remoteDid)) {
      hostile.inc({ protocol: 'msg', reason: remoteDid == null ? 'NOT_ED25519' : 'BLOCKED' })
      stream.abort(new Error('refused'))
      return
    }
    const lp = lpStream(stream, { maxDataLength: c.maxPayloadBytes + ENVELOPE_OVERHEAD_BYTES })
    /** Answers of the frames read and not yet acknowledged, in frame order. */
    const pending: Array<{ answer: Promise<Partial<DeliveryAck>>; ready?: Partial<DeliveryAck> }> = []
    const order = newOrder()
    let reading = true
    let writing = true
    let wakeWriter: (() => void) | undefined
    let wakeReader: (() => void) | undefined
    const wake = (waker: (() => void) | undefined) => waker?.()
    // One idle timer per stream (pushed back by every frame and ack) instead of a timeout per read.
    const idle = setTimeout(() => stream.abort(new Error('idle')), READ_IDLE_TIMEOUT_MS)
    idle.unref()

    const writer = (async () => {
      try {
        while (true) {
          const next = pending[0]
          if (next == null) {
            if (!reading) return
            await new Promise<void>((resolve) => {
              wakeWriter = resolve
            })
            continue
          }
          next.ready = await next.answer
          // Every answer that is ready by now goes out in one write: the acks of frames handled side
          // by side (a window's plain checks, a group commit) cost one socket write, not one each.
          const acks: Uint8Array[] = []
          while (pending[0]?.ready != null) {
            const ready = (pending.shift() as { ready: Partial<DeliveryAck> }).ready
            acks.push(encodeFrame({ ack: ready as DeliveryAck }))
            if (hop != null) hop('rcv.acked', String(ready.id))
          }
          wake(wakeReader)
          if (c.limiter.isBlocked(remoteDid)) {
            c.logger.warn({ peer: remoteDid }, 'peer ignores back-pressure: blocked for a while')
            stream.abort(new Error('blocked'))
            return
          }
          idle.refresh()
          await lp.writeV(acks)
        }
      } catch (err) {
        c.logger.debug({ peer: remoteDid, err }, 'messaging stream ended with an error')
        stream.abort(err as Error)
      } finally {
        writing = false
        wake(wakeReader)
      }
    })()

    try {
      while (writing) {
        if (pending.length >= RECEIVE_WINDOW) {
          // Back-pressure: the sender's next frames wait in the stream until acks make room.
          await new Promise<void>((resolve) => {
            wakeReader = resolve
          })
          continue
        }
        let bytes: Uint8Array
        try {
          bytes = (await lp.read()).subarray()
          idle.refresh()
        } catch (err) {
          if (isFrameTooLarge(err)) {
            hostile.inc({ protocol: 'msg', reason: 'FRAME_TOO_LARGE' })
            c.logger.warn({ peer: remoteDid, err: (err as Error).message }, 'oversized frame: closing stream')
            stream.abort(err as Error)
          }
          return // stream closed, reset or idle
        }
        let envelope: Envelope | undefined
        try {
          envelope = decodeFrame(bytes).envelope
        } catch {
          envelope = undefined
        }
        if (envelope == null) {
          hostile.inc({ protocol: 'msg', reason: 'MALFORMED_FRAME' })
          c.logger.warn({ peer: remoteDid, bytes: bytes.length }, 'malformed frame: closing stream')
          stream.abort(new Error('malformed frame'))
          return
        }
        hop?.('rcv.frame', envelope.id)
        const answer = process(envelope, remoteDid, order)
        const entry: (typeof pending)[number] = { answer }
        answer.then(
          (ack) => {
            entry.ready = ack
          },
          () => undefined, // the writer sees the failure when it awaits the answer
        )
        pending.push(entry)
        wake(wakeWriter)
      }
    } finally {
      // The acks of frames already read still go out (the stream may be half-closed by the sender).
      reading = false
      wake(wakeWriter)
      await writer
      clearTimeout(idle)
    }
  }

  return { handle, accept }
}
