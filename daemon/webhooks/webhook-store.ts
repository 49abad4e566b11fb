// Persistent webhooks and deliveries. Keys (sublevel "webhooks"):
//   w!<id>                   WebhookRecord
//   d!<delivery id>          DeliveryRecord (ids are time-ordered: listing newest first is a reverse scan)
//   p!<delivery id>          "" while pending (the queue to resume after a restart)
//   a!<target id>            PushTargetRecord (targets fed by another subsystem: A2A push configs)

import type { JsonSublevel, Store } from '../store/store.ts'
import type { DeliveryRecord, DeliveryStatus, PushTargetRecord, WebhookRecord } from './records.ts'

type Value = WebhookRecord | DeliveryRecord | PushTargetRecord | string
type Op = { type: 'put'; key: string; value: Value } | { type: 'del'; key: string }

const PRUNE_BATCH = 500

export async function openWebhookStore(store: Store) {
  const db: JsonSublevel<Value> = store.sublevel<Value>('webhooks')

  function deliveryOps(d: DeliveryRecord): Op[] {
    return [
      { type: 'put' as const, key: `d!${d.id}`, value: d },
      d.status === 'pending'
        ? { type: 'put' as const, key: `p!${d.id}`, value: '' }
        : { type: 'del' as const, key: `p!${d.id}` },
    ]
  }

  let queued: Op[] = []
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
        await db.batch(ops)
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
      for await (const v of db.values({ gt: 'w!', lt: 'w"' })) out.push(v as WebhookRecord)
      return out
    },
    putWebhook: (w: WebhookRecord) => db.put(`w!${w.id}`, w),
    deleteWebhook: (id: string) => db.del(`w!${id}`),

    async pushTargets(): Promise<PushTargetRecord[]> {
      const out: PushTargetRecord[] = []
      for await (const v of db.values({ gt: 'a!', lt: 'a"' })) out.push(v as PushTargetRecord)
      return out
    },
    putPushTarget: (t: PushTargetRecord) => db.put(`a!${t.id}`, t),
    deletePushTarget: (id: string) => db.del(`a!${id}`),

    getDelivery: async (id: string) => (await db.get(`d!${id}`)) as DeliveryRecord | undefined,

    /**
     * Saves deliveries (new or changed), keeping the pending index in step. Saves that arrive while a
     * write is in flight are grouped into the next batch (group commit): one write per burst instead
     * of one per delivery. Resolves once the caller's records are on disk. `targets` (push targets
     * whose state changed with these deliveries) are written in the same batch.
     */
    saveDeliveries(deliveries: DeliveryRecord[], targets: PushTargetRecord[] = []): Promise<void> {
      if (deliveries.length === 0 && targets.length === 0) return Promise.resolve()
      return new Promise((resolve, reject) => {
        queued.push(...deliveries.flatMap(deliveryOps))
        for (const t of targets) queued.push({ type: 'put', key: `a!${t.id}`, value: t })
        waiters.push({ resolve, reject })
        if (!writing) void flush()
      })
    },

    async pending(): Promise<DeliveryRecord[]> {
      const ids: string[] = []
      for await (const key of db.keys({ gt: 'p!', lt: 'p"' })) ids.push(key.slice(2))
      const records = await db.getMany(ids.map((id) => `d!${id}`))
      return records.filter((r): r is DeliveryRecord => r != null && typeof r === 'object')
    },

    /**
     * Deletes finished deliveries created before `cutoffMs`, oldest first, in batches; pending ones
     * stay. Delivery ids are time-ordered, so the scan stops at the first one that is new enough.
     */
    async prune(cutoffMs: number): Promise<number> {
      let removed = 0
      let batch: Array<{ type: 'del'; key: string }> = []
      for await (const v of db.values({ gt: 'd!', lt: 'd"' })) {
        const d = v as DeliveryRecord
        if (d.createdAtMs >= cutoffMs) break
        if (d.status === 'pending') continue
        batch.push({ type: 'del', key: `d!${d.id}` })
        if (batch.length >= PRUNE_BATCH) {
          await db.batch(batch)
          removed += batch.length
          batch = []
        }
      }
      if (batch.length > 0) await db.batch(batch)
      return removed + batch.length
    },

    /** Deliveries newest first, below `before` (a delivery id; "" = newest). */
    async deliveries(
      filter: { webhookId?: string; status?: DeliveryStatus },
      before: string,
      limit: number,
    ): Promise<DeliveryRecord[]> {
      const out: DeliveryRecord[] = []
      const range = { gt: 'd!', lt: before === '' ? 'd"' : `d!${before}`, reverse: true }
      for await (const v of db.values(range)) {
        const d = v as DeliveryRecord
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
