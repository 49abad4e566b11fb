// The durable delivery queue: pending deliveries are persisted before they are attempted and after
// every attempt; due ones are sent with a bounded number in flight per endpoint; failures wait for the
// next delay of the retry schedule (or Retry-After); the last failure dead-letters the delivery; 410
// disables the endpoint. After a restart every pending delivery is picked up again.

import type { Logger } from '../log/logger.ts'
import type { Metrics } from '../metrics/metrics.ts'
import type { HttpSender } from './http-sender.ts'
import type { DeliveryRecord, DeliveryTarget, PushTargetRecord } from './records.ts'
import { delayBefore } from './retry-schedule.ts'
import { signatureHeaders } from './signing.ts'
import type { WebhookStore } from './webhook-store.ts'

export interface QueueComponents {
  store: WebhookStore
  sender: HttpSender
  /** Ed25519 signature by the agent's key (the `v1a` signature). */
  sign: (data: Uint8Array) => Promise<Uint8Array>
  /** A webhook or a push target, by id. */
  webhook: (id: string) => DeliveryTarget | undefined
  /** Called when an endpoint answered 410 Gone. */
  disable: (webhook: DeliveryTarget, reason: string) => Promise<void>
  logger: Logger
  metrics: Metrics
  schedule: number[]
  maxInFlightPerWebhook: number
}

export function createDeliveryQueue(c: QueueComponents) {
  /** Pending deliveries by id (the in-memory view of the `p!` index). */
  const pending = new Map<string, DeliveryRecord>()
  const timers = new Map<string, NodeJS.Timeout>()
  /** Due deliveries per endpoint, in order. */
  const ready = new Map<string, string[]>()
  const inFlight = new Map<string, number>()
  let stopped = false
  const attempts = c.metrics.counter(
    'moltmesh_webhook_attempts_total',
    'Webhook delivery attempts, by outcome',
  )
  c.metrics.gauge('moltmesh_webhook_pending', 'Webhook deliveries waiting to be sent', () => pending.size)

  function schedule(d: DeliveryRecord): void {
    pending.set(d.id, d)
    clearTimeout(timers.get(d.id))
    timers.delete(d.id)
    const wait = d.nextAttemptAtMs - Date.now()
    if (wait <= 0) {
      markReady(d)
      return
    }
    const timer = setTimeout(() => {
      timers.delete(d.id)
      markReady(d)
    }, wait)
    timer.unref()
    timers.set(d.id, timer)
  }

  function markReady(d: DeliveryRecord): void {
    let queue = ready.get(d.webhookId)
    if (queue == null) {
      queue = []
      ready.set(d.webhookId, queue)
    }
    queue.push(d.id)
    pump(d.webhookId)
  }

  /** Starts as many due deliveries of one endpoint as its in-flight limit allows, in order. */
  function pump(webhookId: string): void {
    const queue = ready.get(webhookId)
    while (!stopped && queue != null && queue.length > 0) {
      const busy = inFlight.get(webhookId) ?? 0
      if (busy >= c.maxInFlightPerWebhook) return
      const d = pending.get(queue.shift() as string)
      if (d == null) continue
      inFlight.set(webhookId, busy + 1)
      void attempt(d).finally(() => {
        inFlight.set(webhookId, (inFlight.get(webhookId) ?? 1) - 1)
        pump(webhookId)
      })
    }
    if (queue != null && queue.length === 0) ready.delete(webhookId)
  }

  async function finish(d: DeliveryRecord, patch: Partial<DeliveryRecord>): Promise<DeliveryRecord> {
    const next = { ...d, ...patch }
    if (next.status !== 'pending') pending.delete(d.id)
    await c.store.saveDeliveries([next])
    return next
  }

  async function attempt(d: DeliveryRecord): Promise<void> {
    const webhook = c.webhook(d.webhookId)
    if (webhook == null || !webhook.enabled) {
      await finish(d, {
        status: 'failed',
        lastError: webhook == null ? 'webhook deleted' : `webhook disabled: ${webhook.disabledReason}`,
      })
      return
    }
    let result: Awaited<ReturnType<HttpSender['post']>>
    try {
      const headers = await signatureHeaders(webhook.secret, c.sign, d.id, d.body)
      result = await c.sender.post(webhook.url, { ...webhook.headers, ...headers }, d.body)
    } catch (err) {
      result = { ok: false, statusCode: 0, error: (err as Error).message, gone: false, latencyMs: 0 }
    }
    if (stopped) return // leave it pending for the next start
    const tried = d.attempts + 1
    const common = { attempts: tried, lastStatusCode: result.statusCode, lastError: result.error }
    if (result.ok) {
      attempts.inc({ result: 'succeeded' })
      await finish(d, { ...common, status: 'succeeded', nextAttemptAtMs: 0 })
      return
    }
    if (result.gone) {
      attempts.inc({ result: 'gone' })
      c.logger.warn({ webhook: webhook.id, url: webhook.url }, 'webhook endpoint answered 410 Gone: disabled')
      await finish(d, { ...common, status: 'failed', nextAttemptAtMs: 0 })
      await c.disable(webhook, 'the endpoint answered 410 Gone')
      return
    }
    const delay = delayBefore(c.schedule, tried + 1)
    if (delay === undefined) {
      attempts.inc({ result: 'dead' })
      c.logger.warn(
        { webhook: webhook.id, delivery: d.id, attempts: tried, error: result.error },
        'webhook delivery dead-lettered',
      )
      await finish(d, { ...common, status: 'failed', nextAttemptAtMs: 0 })
      return
    }
    attempts.inc({ result: 'retry' })
    const wait = Math.max(delay, result.retryAfterMs ?? 0)
    const next = await finish(d, { ...common, nextAttemptAtMs: Date.now() + wait })
    c.logger.debug(
      { webhook: webhook.id, delivery: d.id, error: result.error, retryInMs: wait },
      'webhook delivery failed, will retry',
    )
    schedule(next)
  }

  return {
    /** Persists new deliveries (and the push targets whose state changed with them), then queues them. */
    async add(deliveries: DeliveryRecord[], targets: PushTargetRecord[] = []): Promise<void> {
      await c.store.saveDeliveries(deliveries, targets)
      for (const d of deliveries) schedule(d)
    },
    /** Queues again a delivery that is already stored as pending (redeliver, restart). */
    schedule,
    /** Fails every pending delivery of a webhook (deleted or disabled). */
    async drop(webhookId: string, reason: string): Promise<void> {
      const mine = [...pending.values()].filter((d) => d.webhookId === webhookId)
      for (const d of mine) {
        pending.delete(d.id)
        clearTimeout(timers.get(d.id))
        timers.delete(d.id)
      }
      await c.store.saveDeliveries(mine.map((d) => ({ ...d, status: 'failed' as const, lastError: reason })))
    },
    async resume(): Promise<number> {
      const stored = await c.store.pending()
      for (const d of stored) schedule(d)
      return stored.length
    },
    stop(): void {
      stopped = true
      for (const t of timers.values()) clearTimeout(t)
      timers.clear()
    },
  }
}

export type DeliveryQueue = ReturnType<typeof createDeliveryQueue>
