// Push targets: delivery targets owned and fed by another subsystem (A2A push configs), not by the
// event bus. Their deliveries share everything with webhooks' — persisted before they are sent,
// retried on the webhook schedule, resumed after a restart, signed (`v1a` always, `v1` when the target
// has a secret) — but they are not webhooks: ListWebhooks, DeleteWebhook and the event filters never
// see them. The owner keeps its own state in the target (`state`), saved in the same batch as the
// deliveries it queues.

import { failedPrecondition, invalidArgument } from '../errors/moltmesh-error.ts'
import type { Logger } from '../log/logger.ts'
import type { DeliveryQueue } from './delivery-queue.ts'
import { newDelivery, type PushTargetRecord } from './records.ts'
import type { WebhookStore } from './webhook-store.ts'

/** More would mean a client creating configs without end: refused rather than stored. */
const MAX_PUSH_TARGETS = 10_000
const MAX_HEADERS = 8
const MAX_HEADER_LENGTH = 4096

export interface PushItem {
  /** The target as it is after this delivery (its owner's state updated). */
  target: PushTargetRecord
  eventType: string
  /** The exact body to POST. */
  body: string
}

export function createPushTargets(c: {
  store: WebhookStore
  queue: DeliveryQueue
  /** The same URL checks as webhooks (http/https, no credentials, webhooks.allowed_hosts). */
  checkUrl: (url: string) => string
  /** The in-memory view, shared with the delivery queue's target lookup. */
  targets: Map<string, PushTargetRecord>
  logger: Logger
}) {
  const { targets } = c

  function checkHeaders(headers: Record<string, string>): void {
    const entries = Object.entries(headers)
    if (entries.length > MAX_HEADERS)
      throw invalidArgument('INVALID_ARGUMENT', `at most ${MAX_HEADERS} headers`)
    // CR/LF would let a value smuggle other headers; undici refuses them too, but late.
    for (const [name, value] of entries)
      if (
        value.length > MAX_HEADER_LENGTH ||
        // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
        /[\u0000-\u001f\u007f]/.test(value) ||
        !/^[a-z0-9-]+$/.test(name)
      )
        throw invalidArgument('INVALID_ARGUMENT', `header "${name}" is not a valid header`)
  }

  return {
    async load(): Promise<void> {
      for (const t of await c.store.pushTargets()) targets.set(t.id, t)
    },

    /** Targets of one owner (their state as last saved). */
    list(owner: string): PushTargetRecord[] {
      return [...targets.values()].filter((t) => t.owner === owner)
    },

    get: (id: string): PushTargetRecord | undefined => targets.get(id),

    /** The URL as it will be requested, or the webhook rules' error (INVALID_URL, not allowed, ...). */
    checkUrl: (url: string): string => c.checkUrl(url),

    /** Creates or replaces a target; the URL is checked like a webhook's. Resolves once stored. */
    async put(target: PushTargetRecord): Promise<PushTargetRecord> {
      if (!targets.has(target.id) && targets.size >= MAX_PUSH_TARGETS)
        throw failedPrecondition('TOO_MANY_PUSH_TARGETS', `at most ${MAX_PUSH_TARGETS} push targets`)
      const next = { ...target, url: c.checkUrl(target.url) }
      checkHeaders(next.headers)
      await c.store.putPushTarget(next)
      targets.set(next.id, next)
      return next
    },

    /** Deletes a target and drops its pending deliveries. */
    async remove(id: string): Promise<void> {
      if (!targets.delete(id)) return
      await c.store.deletePushTarget(id)
      await c.queue.drop(id, 'push target deleted')
    },

    /**
     * Queues one delivery per item and saves each item's target (its new state) in the same batch:
     * after a crash either both are on disk or neither is. Items whose target is gone or disabled
     * only save nothing.
     */
    async enqueue(items: PushItem[]): Promise<void> {
      const now = Date.now()
      const live = items.filter((i) => targets.get(i.target.id)?.enabled === true)
      const deliveries = live.map((i) => newDelivery(i.target.id, i.eventType, i.body, now))
      const saved = live.map((i) => ({
        ...(targets.get(i.target.id) as PushTargetRecord),
        state: i.target.state,
      }))
      await c.queue.add(deliveries, saved)
      for (const t of saved) targets.set(t.id, t)
    },

    /** Saves new owner state without a delivery (e.g. a cursor past events that push nothing). */
    async saveState(id: string, state: Record<string, unknown>): Promise<void> {
      const t = targets.get(id)
      if (t == null) return
      const next = { ...t, state }
      targets.set(id, next)
      await c.store
        .putPushTarget(next)
        .catch((err: unknown) => c.logger.warn({ err, target: id }, 'cannot save push target state'))
    },
  }
}

export type PushTargets = ReturnType<typeof createPushTargets>
