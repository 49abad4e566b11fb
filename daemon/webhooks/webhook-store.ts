// Persistent webhooks and deliveries. Buckets (store/buckets.ts):
//   webhooks.hooks       <id> -> WebhookRecord
//   webhooks.deliveries  <delivery id> -> DeliveryRecord (ids are time-ordered: listing newest first is
//                        a reverse scan)
//   webhooks.pending     <delivery id> -> "" while pending (the queue to resume after a restart)
//   webhooks.push-targets  <target id> -> PushTargetRecord (targets fed by another subsystem: A2A
//                        push configs)

import { json, single, text } from '../store/codecs.ts'
import { anything, array, bool, dict, num, object, oneOf, type Shape, str } from '../store/shape.ts'
import type { Store, StoreOp } from '../store/store.ts'
import type { DeliveryRecord, DeliveryStatus, PushTargetRecord, WebhookRecord } from './records.ts'

const webhookShape: Shape<WebhookRecord> = object<WebhookRecord>({
  id: str,
  url: str,
  events: array(str),
  description: str,
  secret: str,
  enabled: bool,
  disabledReason: str,
  createdAtMs: num,
  fromConfig: bool,
})
const deliveryShape: Shape<DeliveryRecord> = object<DeliveryRecord>({
  id: str,
  webhookId: str,
  eventType: str,
  body: str,
  status: oneOf('pending', 'succeeded', 'failed'),
  attempts: num,
  lastStatusCode: num,
  lastError: str,
  nextAttemptAtMs: num,
  createdAtMs: num,
})
const pushTargetShape: Shape<PushTargetRecord> = object<PushTargetRecord>({
  id: str,
  url: str,
  secret: str,
  headers: dict(str),
  enabled: bool,
  disabledReason: str,
  owner: str,
  createdAtMs: num,
  // The owner's own state (a cursor): its structure is the owner's business.
  state: dict(anything),
})

const PRUNE_BATCH = 500

export async function openWebhookStore(store: Store) {
  const hooks = store.repository('webhooks.hooks', single(text), json(webhookShape))
  const deliveries = store.repository('webhooks.deliveries', single(text), json(deliveryShape))
  const pending = store.repository('webhooks.pending', single(text), json(str))
  const pushTargets = store.repository('webhooks.push-targets', single(text), json(pushTargetShape))

  function deliveryOps(d: DeliveryRecord): StoreOp[] {
    return [deliveries.putOp(d.id, d), d.status === 'pending' ? pending.putOp(d.id, '') : pending.delOp(d.id)]
  }

  let queued: StoreOp[] = []
  let waiters: Array<{ resolve: () => void; reject: (err: unknown) => void }> = []
  let writing = false

  async function flush(): Promise<void> {
    writing = true
    while (queued.length > 0) {
      const ops = queued
      const done = waiters
      queued = []
      waiters = []
      try {
        await store.commit(ops)
        for (const w of done) w.resolve()
      } catch (err) {
        for (const w of done) w.reject(err)
      }
    }
    writing = false
  }

  return {
    async webhooks(): Promise<WebhookRecord[]> {
      const out: WebhookRecord[] = []
      for await (const w of hooks.values()) out.push(w)
      return out
    },
    putWebhook: (w: WebhookRecord) => hooks.put(w.id, w),
    deleteWebhook: (id: string) => hooks.del(id),

    async pushTargets(): Promise<PushTargetRecord[]> {
      const out: PushTargetRecord[] = []
      for await (const t of pushTargets.values()) out.push(t)
      return out
    },
    putPushTarget: (t: PushTargetRecord) => pushTargets.put(t.id, t),
    deletePushTarget: (id: string) => pushTargets.del(id),

    getDelivery: (id: string) => deliveries.get(id),

    /**
     * Saves deliveries (new or changed), keeping the pending index in step. Saves that arrive while a
     * write is in flight are grouped into the next batch (group commit): one write per burst instead
     * of one per delivery. Resolves once the caller's records are on disk. `targets` (push targets
     * whose state changed with these deliveries) are written in the same batch.
     */
    saveDeliveries(changed: DeliveryRecord[], targets: PushTargetRecord[] = []): Promise<void> {
      if (changed.length === 0 && targets.length === 0) return Promise.resolve()
      return new Promise((resolve, reject) => {
        queued.push(...changed.flatMap(deliveryOps))
        for (const t of targets) queued.push(pushTargets.putOp(t.id, t))
        waiters.push({ resolve, reject })
        if (!writing) void flush()
      })
    },

    async pending(): Promise<DeliveryRecord[]> {
      const ids: string[] = []
      for await (const id of pending.keys()) ids.push(id)
      return (await deliveries.getMany(ids)).filter((r) => r != null)
    },

    /**
     * Deletes finished deliveries created before `cutoffMs`, oldest first, in batches; pending ones
     * stay. Delivery ids are time-ordered, so the scan stops at the first one that is new enough.
     */
    async prune(cutoffMs: number): Promise<number> {
      let removed = 0
      let batch: StoreOp[] = []
      for await (const d of deliveries.values()) {
        if (d.createdAtMs >= cutoffMs) break
        if (d.status === 'pending') continue
        batch.push(deliveries.delOp(d.id))
        if (batch.length >= PRUNE_BATCH) {
          await store.commit(batch)
          removed += batch.length
          batch = []
        }
      }
      if (batch.length > 0) await store.commit(batch)
      return removed + batch.length
    },

    /** Deliveries newest first, below `before` (a delivery id; "" = newest). */
    async deliveries(
      filter: { webhookId?: string; status?: DeliveryStatus },
      before: string,
      limit: number,
    ): Promise<DeliveryRecord[]> {
      const out: DeliveryRecord[] = []
      for await (const d of deliveries.values({ lt: before === '' ? undefined : before, reverse: true })) {
        if (filter.webhookId != null && d.webhookId !== filter.webhookId) continue
        if (filter.status != null && d.status !== filter.status) continue
        out.push(d)
        if (out.length >= limit) break
      }
      return out
    },
  }
}

export type WebhookStore = Awaited<ReturnType<typeof openWebhookStore>>
