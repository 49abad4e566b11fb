// Outbound delivery: one worker per recipient drains that recipient's queue in order over a reused
// stream, with up to PIPELINE_WINDOW envelopes in flight, acks read in send order (which keeps
// per-sender order, see session()). Failures back off exponentially with
// jitter, up to the message's TTL — never a fixed number of attempts — and a connection from the
// peer, a new message or a restart resumes delivery at once.

import type { Stream } from '@libp2p/interface'
import { type LengthPrefixedStream, lpStream } from '@libp2p/utils'
import type { EventBus } from '../events/event-bus.ts'
import { peerIdFromDid } from '../identity/did.ts'
import type { Logger } from '../log/logger.ts'
import type { Metrics } from '../metrics/metrics.ts'
import type { Host } from '../p2p/create-host.ts'
import { openProtocolStream } from '../p2p/open-stream.ts'
import {
  AckStatus,
  decodeFrame,
  type Envelope,
  encodeFrame,
  MESSAGING_PROTOCOL,
} from '../wire/messaging-codec.ts'
import type { ChannelRegistry } from './channels.ts'
import { hop } from './hop-trace.ts'
import type { OutboxStore } from './outbox-store.ts'
import type { OutboxRecord } from './records.ts'

export interface DeliveryComponents {
  host: Host
  outbox: OutboxStore
  events: EventBus
  logger: Logger
  metrics: Metrics
  maxPayloadBytes: number
  retryMaxDelayMs: number
  dialTimeoutMs: number
  /** Told about channel frames the peer refused for good (or that expired undelivered). */
  channels: Pick<ChannelRegistry, 'failed'>
}

const ACK_TIMEOUT_MS = 15_000
/** Envelopes in flight (sent, not yet acknowledged) per recipient. */
const PIPELINE_WINDOW = 64
const BASE_DELAY_MS = 500
const IDLE = Symbol('idle')
/** Resolves after the I/O already received has been handled (one event-loop turn). */
const nextTurn = (): Promise<typeof IDLE> => new Promise((resolve) => setImmediate(() => resolve(IDLE)))

interface Worker {
  running: boolean
  /** Set by kick(); makes a finishing run look again, so no message is left behind. */
  dirty: boolean
  timer: NodeJS.Timeout | undefined
  failures: number
  stream: Stream | undefined
  lp: LengthPrefixedStream | undefined
}

type Outcome =
  | { kind: 'delivered' }
  | { kind: 'rejected'; reason: string }
  | { kind: 'retry'; error: string; retryAfterMs?: number }

interface Settled {
  record: OutboxRecord
  status: 'delivered' | 'failed'
  patch: Partial<OutboxRecord>
}

/** How a stream session ended (see session()). */
type SessionEnd =
  | { kind: 'drained' }
  | { kind: 'progress' }
  | { kind: 'reopen' }
  | { kind: 'retry'; record: OutboxRecord; outcome: Extract<Outcome, { kind: 'retry' }> }

export function envelopeOf(r: OutboxRecord): Envelope {
  return {
    id: r.id,
    from: r.from,
    to: r.to,
    createdAtMs: r.createdAtMs,
    expiresAtMs: r.expiresAtMs,
    body: Buffer.from(r.body, 'base64'),
    signature: Buffer.from(r.signature, 'base64'),
  }
}

function outcomeOf(status: number, reason: string, retryAfterMs: number): Outcome {
  switch (status) {
    case AckStatus.ACK_STATUS_STORED:
    case AckStatus.ACK_STATUS_DUPLICATE:
      return { kind: 'delivered' }
    case AckStatus.ACK_STATUS_REJECTED:
      return { kind: 'rejected', reason: reason || 'REJECTED' }
    case AckStatus.ACK_STATUS_RETRY_LATER:
      return { kind: 'retry', error: reason || 'RETRY_LATER', retryAfterMs: Math.max(100, retryAfterMs) }
    default:
      throw new Error(`protocol error: unknown ack status ${status}`)
  }
}

/** Exponential backoff with "equal jitter": half fixed, half random, capped. */
export function backoffDelay(failures: number, maxDelayMs: number, random = Math.random): number {
  const exp = Math.min(maxDelayMs, BASE_DELAY_MS * 2 ** Math.max(0, failures - 1))
  return Math.round(exp / 2 + (random() * exp) / 2)
}

export function createDelivery(c: DeliveryComponents) {
  const workers = new Map<string, Worker>()
  const sent = c.metrics.counter('moltmesh_messages_sent_total', 'Delivery attempts, by outcome')
  let stopped = false

  const worker = (did: string): Worker => {
    let w = workers.get(did)
    if (w == null) {
      w = {
        running: false,
        dirty: false,
        timer: undefined,
        failures: 0,
        stream: undefined,
        lp: undefined,
      }
      workers.set(did, w)
    }
    return w
  }

  function closeStream(w: Worker): void {
    w.stream?.abort(new Error('closing'))
    w.stream = undefined
    w.lp = undefined
  }

  /** Starts (or restarts, cancelling a pending backoff) delivery to one recipient. */
  function kick(did: string): void {
    if (stopped) return
    const w = worker(did)
    w.dirty = true
    if (w.timer != null) {
      clearTimeout(w.timer)
      w.timer = undefined
    }
    if (!w.running) void run(did, w)
  }

  async function run(did: string, w: Worker): Promise<void> {
    w.running = true
    // A cached stream the peer closed while idle is replaced once at once, without a backoff.
    let reopened = false
    try {
      while (!stopped) {
        w.dirty = false
        const ended = await session(did, w, reopened)
        if (ended.kind === 'drained') {
          if (w.dirty) continue
          w.failures = 0
          return
        }
        if (ended.kind === 'reopen') {
          reopened = true
          continue
        }
        reopened = false
        if (ended.kind === 'progress') continue // expired records settled, or a stream ended after acks
        const { record, outcome } = ended
        w.failures++
        sent.inc({ result: 'retry' })
        const delay = outcome.retryAfterMs ?? backoffDelay(w.failures, c.retryMaxDelayMs)
        const at = Math.min(Date.now() + delay, record.expiresAtMs)
        await c.outbox.update(record, {
          attempts: record.attempts + 1,
          lastError: outcome.error,
          nextAttemptAtMs: at,
        })
        c.logger.debug(
          { id: record.id, to: did, error: outcome.error, retryInMs: at - Date.now() },
          'delivery failed, will retry',
        )
        if (w.dirty) continue // something changed while we were trying (new message or peer connected)
        w.timer = setTimeout(
          () => {
            w.timer = undefined
            kick(did)
          },
          Math.max(0, at - Date.now()),
        )
        return
      }
    } catch (err) {
      c.logger.error({ err, to: did }, 'delivery worker failed')
    } finally {
      w.running = false
    }
  }

  /** Records expired messages as such (they are not sent), in one write. */
  async function expire(did: string, records: OutboxRecord[]): Promise<void> {
    const done = await c.outbox.finishMany(
      records.map((r) => ({
        record: r,
        status: 'expired' as const,
        patch: { lastError: r.lastError || 'TTL expired before delivery' },
      })),
    )
    for (const expired of done) {
      sent.inc({ result: 'expired' })
      c.logger.info({ id: expired.id, to: did, attempts: expired.attempts }, 'message expired undelivered')
      if (expired.channel == null) c.events.emit('message.expired', { message: expired })
      else c.channels.failed(expired)
    }
  }

  /** Records acknowledged messages as delivered or refused in one write, then announces them in order. */
  async function settle(did: string, items: Settled[]): Promise<void> {
    for (const done of await c.outbox.finishMany(items)) {
      hop?.('dlv.settled', done.id)
      // Channel frames are settled silently: their subsystems report events instead.
      const isMessage = done.channel == null
      if (done.status === 'delivered') {
        sent.inc({ result: 'delivered' })
        if (isMessage) c.events.emit('message.delivered', { message: done })
      } else {
        sent.inc({ result: 'rejected' })
        c.logger.warn({ id: done.id, to: did, reason: done.lastError }, 'recipient refused message')
        if (isMessage) c.events.emit('message.failed', { message: done })
        else c.channels.failed(done)
      }
    }
  }

  /**
   * One stream's worth of delivery, a sliding window: queued envelopes are sent as soon as the window
   * has room (up to PIPELINE_WINDOW unacknowledged), new ones as soon as they are queued (kick), while
   * acks come back in send order. Acknowledged messages are settled in groups: one write for every ack
   * that arrived while the previous write was under way. The receiver handles a stream in order and
   * answers every frame behind a RETRY_LATER with a retry too, so nothing overtakes a refused frame:
   * the session ends at the first retry, with everything after it still queued in order.
   *
   * Ends when the queue is drained (every sent envelope acknowledged and settled), at the first frame
   * that must wait, or when the stream fails. Every settle write has finished when it returns, so
   * the next session reads from the queue only what is still to deliver.
   */
  async function session(did: string, w: Worker, reopened: boolean): Promise<SessionEnd> {
    const inflight: OutboxRecord[] = []
    /** Sent on this stream and not yet settled: still queued on disk, not to be sent again. */
    const sentIds = new Set<string>()
    /** The last queue read filled its limit: there may be more behind it. */
    let more = true
    let acked = 0
    let settled: Settled[] = []
    let settling: Promise<void> | undefined
    let settleError: unknown
    const flush = (): void => {
      if (settling != null || settled.length === 0) return
      const items = settled
      settled = []
      settling = settle(did, items)
        .then(() => {
          for (const i of items) sentIds.delete(i.record.id)
        })
        .catch((err: unknown) => {
          settleError ??= err
        })
        .finally(() => {
          settling = undefined
          flush()
        })
    }
    const drainSettles = async (): Promise<void> => {
      flush()
      while (settling != null) await settling
      if (settleError != null) throw settleError
    }
    // One timer per session instead of a timeout signal per read: it is armed while acks are
    // outstanding, pushed back by each ack, and cuts the stream when the peer stops answering.
    let watchdog: NodeJS.Timeout | undefined
    const armWatchdog = (): void => {
      if (inflight.length === 0) {
        clearTimeout(watchdog)
        watchdog = undefined
      } else if (watchdog == null) {
        watchdog = setTimeout(() => w.stream?.abort(new Error('no ack within 15 s')), ACK_TIMEOUT_MS)
        watchdog.unref()
      } else watchdog.refresh()
    }
    let reading: Promise<Uint8Array | Error> | undefined
    /** False right after a queue read, until the acks that had arrived by then are handled. */
    let mayFill = true
    let firstOnStream: OutboxRecord | undefined
    const reused = w.lp != null

    const failed = async (err: unknown): Promise<SessionEnd> => {
      closeStream(w)
      await drainSettles()
      const error = (err as Error)?.message ?? String(err)
      if (reused && !reopened && acked === 0) return { kind: 'reopen' }
      const record = inflight[0] ?? firstOnStream
      if (record == null) return { kind: 'progress' }
      return { kind: 'retry', record, outcome: { kind: 'retry', error } }
    }

    try {
      while (!stopped) {
        // Fill the window when nothing is in flight, or once the acks that had arrived are handled:
        // whatever was queued meanwhile (kicked: dirty) goes in one read and one write, and more of a
        // long queue once half of the window is free. Reading the queue on every kick instead would
        // cost one queue read and one socket write per message under load.
        const room = PIPELINE_WINDOW - inflight.length
        if (mayFill && ((w.dirty && room > 0) || (more && room >= PIPELINE_WINDOW / 2))) {
          mayFill = false
          w.dirty = false
          const { records: batch, full } = await c.outbox.queuedExcept(did, sentIds, room)
          more = full
          const now = Date.now()
          const live = batch.filter((r) => r.expiresAtMs > now)
          if (live.length < batch.length)
            await expire(
              did,
              batch.filter((r) => r.expiresAtMs <= now),
            )
          if (live.length === 0) continue
          if (hop != null) for (const r of live) hop('dlv.read', r.id)
          firstOnStream ??= live[0]
          try {
            if (w.lp == null) {
              w.stream = await openProtocolStream(c.host, peerIdFromDid(did), MESSAGING_PROTOCOL, {
                signal: AbortSignal.timeout(c.dialTimeoutMs),
              })
              w.lp = lpStream(w.stream, { maxDataLength: 64 * 1024 })
            }
            inflight.push(...live)
            for (const r of live) sentIds.add(r.id)
            armWatchdog()
            await w.lp.writeV(live.map((r) => encodeFrame({ envelope: envelopeOf(r) })))
            if (hop != null) for (const r of live) hop('dlv.sent', r.id)
          } catch (err) {
            return await failed(err)
          }
          continue
        }
        if (inflight.length === 0) {
          await drainSettles()
          // Anything queued meanwhile was kicked (dirty), and run() looks again.
          return { kind: 'drained' }
        }
        // The next ack. When none has arrived yet (all that had are handled), the window may be
        // filled first with what was queued meanwhile.
        const lp = w.lp
        if (lp == null) return await failed(new Error('stream closed'))
        reading ??= lp.read().then(
          (b) => b.subarray(),
          (err: unknown) => (err instanceof Error ? err : new Error(String(err))),
        )
        let next = await Promise.race([reading, nextTurn()])
        if (next === IDLE) {
          if (!mayFill && room > 0 && (w.dirty || more)) {
            mayFill = true
            continue
          }
          next = await reading
        }
        reading = undefined
        if (next instanceof Error) return await failed(next)
        const record = inflight[0] as OutboxRecord
        let outcome: Outcome
        try {
          const ack = decodeFrame(next).ack
          if (ack == null || ack.id !== record.id)
            throw new Error('protocol error: missing or mismatched ack')
          outcome = outcomeOf(ack.status, ack.reason, ack.retryAfterMs)
        } catch (err) {
          return await failed(err)
        }
        hop?.('dlv.ack', record.id)
        inflight.shift()
        if (inflight.length === 0) mayFill = true
        acked++
        armWatchdog()
        if (outcome.kind === 'retry') {
          // Later frames of the stream were answered with a retry too (not stored): drop the stream.
          closeStream(w)
          await drainSettles()
          return { kind: 'retry', record, outcome }
        }
        w.failures = 0
        const attempts = record.attempts + 1
        settled.push(
          outcome.kind === 'delivered'
            ? { record, status: 'delivered', patch: { attempts, deliveredAtMs: Date.now(), lastError: '' } }
            : { record, status: 'failed', patch: { attempts, lastError: outcome.reason } },
        )
        flush()
      }
      closeStream(w)
      await drainSettles()
      return { kind: 'progress' }
    } finally {
      clearTimeout(watchdog)
    }
  }

  return {
    kick,
    /** Resumes every queue persisted before a restart. */
    async resumeAll(): Promise<number> {
      const recipients = await c.outbox.queuedRecipients()
      for (const did of recipients) kick(did)
      return recipients.length
    },
    stop(): void {
      stopped = true
      for (const w of workers.values()) {
        if (w.timer != null) clearTimeout(w.timer)
        closeStream(w)
      }
    },
  }
}

export type Delivery = ReturnType<typeof createDelivery>
