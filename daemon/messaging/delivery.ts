// Outbound delivery: one worker per recipient drains that recipient's queue in order over a reused
// stream, waiting for each ack (which keeps per-sender order). Failures back off exponentially with
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
/** Envelopes in flight per recipient before waiting for acks. */
const PIPELINE_WINDOW = 64
const BASE_DELAY_MS = 500

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

/** Outcomes for the records that got no ack: retry them. */
function padWithRetry(outcomes: Outcome[], total: number, error: string): Outcome[] {
  while (outcomes.length < total) outcomes.push({ kind: 'retry', error })
  return outcomes
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
      w = { running: false, dirty: false, timer: undefined, failures: 0, stream: undefined, lp: undefined }
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
    try {
      while (!stopped) {
        w.dirty = false
        const batch = await c.outbox.queued(did, PIPELINE_WINDOW)
        if (batch.length === 0) {
          if (w.dirty) continue
          w.failures = 0
          return
        }
        const live: OutboxRecord[] = []
        for (const r of batch) {
          if (r.expiresAtMs > Date.now()) {
            live.push(r)
            continue
          }
          const expired = await c.outbox.finish(r, 'expired', {
            lastError: r.lastError || 'TTL expired before delivery',
          })
          if (expired == null) continue // canceled meanwhile
          sent.inc({ result: 'expired' })
          c.logger.info({ id: r.id, to: did, attempts: r.attempts }, 'message expired undelivered')
          if (expired.channel == null) c.events.emit('message.expired', { message: expired })
          else c.channels.failed(expired)
        }
        if (live.length === 0) continue
        const outcomes = await attempt(did, w, live)
        let retry: { record: OutboxRecord; outcome: Extract<Outcome, { kind: 'retry' }> } | undefined
        // Settled messages of the window are recorded in one write, then announced in order.
        const settled: Parameters<typeof c.outbox.finishMany>[0] = []
        const now = Date.now()
        for (const [i, record] of live.entries()) {
          const outcome = outcomes[i] as Outcome
          if (outcome.kind === 'delivered') {
            settled.push({
              record,
              status: 'delivered',
              patch: { attempts: record.attempts + 1, deliveredAtMs: now, lastError: '' },
            })
          } else if (outcome.kind === 'rejected') {
            settled.push({
              record,
              status: 'failed',
              patch: { attempts: record.attempts + 1, lastError: outcome.reason },
            })
          } else {
            // Stop at the first message that must wait: the ones after it keep their place in line.
            retry = { record, outcome }
            break
          }
        }
        for (const done of settled.length > 0 ? await c.outbox.finishMany(settled) : []) {
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
        if (retry == null) {
          w.failures = 0
          continue
        }
        const { record, outcome } = retry
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

  /**
   * Sends a window of envelopes back to back and reads their acks in order (pipelining). The receiver
   * handles one stream strictly in order and closes it after a RETRY_LATER, so a refused message is
   * never overtaken by a later one. Returns one outcome per record.
   */
  async function attempt(did: string, w: Worker, records: OutboxRecord[]): Promise<Outcome[]> {
    // A cached stream may have been closed by the peer while idle: then try once more on a new one.
    for (let tryNo = 0; tryNo < 2; tryNo++) {
      const reused = w.lp != null
      const outcomes: Outcome[] = []
      try {
        if (w.lp == null) {
          w.stream = await openProtocolStream(c.host, peerIdFromDid(did), MESSAGING_PROTOCOL, {
            signal: AbortSignal.timeout(c.dialTimeoutMs),
          })
          w.lp = lpStream(w.stream, { maxDataLength: 64 * 1024 })
        }
        const lp = w.lp
        const signal = AbortSignal.timeout(ACK_TIMEOUT_MS)
        await lp.writeV(
          records.map((r) => encodeFrame({ envelope: envelopeOf(r) })),
          { signal },
        )
        for (const record of records) {
          const ack = decodeFrame((await lp.read({ signal })).subarray()).ack
          if (ack == null || ack.id !== record.id)
            throw new Error('protocol error: missing or mismatched ack')
          outcomes.push(outcomeOf(ack.status, ack.reason, ack.retryAfterMs))
          if (outcomes.at(-1)?.kind === 'retry') {
            closeStream(w) // the receiver closes after RETRY_LATER; later frames were not processed
            break
          }
        }
        return padWithRetry(outcomes, records.length, 'not acknowledged')
      } catch (err) {
        closeStream(w)
        if (reused && tryNo === 0 && outcomes.length === 0) continue
        return padWithRetry(outcomes, records.length, (err as Error).message ?? String(err))
      }
    }
    return padWithRetry([], records.length, 'unreachable')
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
