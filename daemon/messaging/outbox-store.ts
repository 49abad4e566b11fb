// The persistent outbox. Buckets (store/buckets.ts):
//   outbox.messages     <id> -> OutboxRecord
//   outbox.sent         <seq> -> id, in send order (listing; messages only, not task frames)
//   outbox.queue        <to>!<seq> -> id, only while queued: the delivery queue of one recipient, in order
//   outbox.idempotency  <idempotency key> -> id
//   outbox.last-seq     last assigned seq
// A message is written (with its queue entry and its thread index entries, see thread-index.ts) in one
// batch before SendMessage returns.

import { createKeyedLock } from '../common/keyed-lock.ts'
import { json, pair, seq, single, text, unit } from '../store/codecs.ts'
import { num, str } from '../store/shape.ts'
import type { Store, StoreOp } from '../store/store.ts'
import { outboxRecordShape } from './record-shapes.ts'
import type { OutboxRecord, OutboxStatus } from './records.ts'
import { outboxRef, type ThreadIndex, type ThreadMessageRef } from './thread-index.ts'

export async function openOutboxStore(store: Store, threads: ThreadIndex) {
  const messages = store.repository('outbox.messages', single(text), json(outboxRecordShape))
  const sent = store.repository('outbox.sent', single(seq), json(str))
  const queue = store.repository('outbox.queue', pair(text, seq), json(str))
  const idempotency = store.repository('outbox.idempotency', single(text), json(str))
  const counter = store.repository('outbox.last-seq', unit, json(num))
  let lastSeq = (await counter.get(null)) ?? 0

  const get = (id: string): Promise<OutboxRecord | undefined> => messages.get(id)
  // Queued records as last written by this process, so the delivery worker reads a window's records
  // from memory instead of from LevelDB (one thread-pool round trip less per window). Only ids read
  // from the queue on disk are looked up here, so an entry of a batch that failed is never used; such
  // an entry, and any record queued before a restart, falls back to a read.
  const queuedRecords = new Map<string, OutboxRecord>()
  const MAX_CACHED = 20_000
  const remember = (r: OutboxRecord): void => {
    if (queuedRecords.size < MAX_CACHED || queuedRecords.has(r.id)) queuedRecords.set(r.id, r)
  }
  async function fromCacheAll(ids: string[]): Promise<Array<OutboxRecord | undefined>> {
    const found = ids.map((id) => queuedRecords.get(id))
    const missing = ids.filter((_, i) => found[i] == null)
    if (missing.length > 0) {
      const read = await messages.getMany(missing)
      let j = 0
      for (const [i, r] of found.entries()) if (r == null) found[i] = read[j++]
    }
    return found
  }
  const fromCache = async (ids: string[]): Promise<OutboxRecord[]> =>
    (await fromCacheAll(ids)).filter((r) => r != null && r.status === 'queued') as OutboxRecord[]
  // A message's state changes from two places: its delivery worker (retry, delivered, refused) and
  // the API (cancel). Each change re-reads the record under this lock, so a retry written after a
  // cancel cannot put the message back in the queue, nor a cancel overwrite a delivery.
  const lock = createKeyedLock()
  const lockAll = <T>(ids: string[], fn: () => Promise<T>): Promise<T> =>
    ids.length === 0 ? fn() : lock(ids[0] as string, () => lockAll(ids.slice(1), fn))

  return {
    get,

    async byIdempotencyKey(key: string): Promise<OutboxRecord | undefined> {
      const id = await idempotency.get(key)
      return id == null ? undefined : get(id)
    },

    async add(record: Omit<OutboxRecord, 'seq'>): Promise<OutboxRecord> {
      const { full, ops } = this.prepare(record)
      // Messages are indexed by thread; task and network frames are not messages.
      if (full.channel == null) await threads.commit(outboxRef(full), ops)
      else await store.commit(ops)
      return full
    },

    /** Records by id (undefined where there is none). */
    async getMany(ids: string[]): Promise<Array<OutboxRecord | undefined>> {
      return messages.getMany(ids)
    },

    /** Every message (not frame) after `afterSeq`, in send order, as the thread index sees it. */
    async *threadRefsAfter(afterSeq: number): AsyncGenerator<ThreadMessageRef> {
      for await (const id of sent.values({ gt: afterSeq })) {
        const r = await get(id)
        if (r != null && r.channel == null) yield outboxRef(r)
      }
    },

    /**
     * The writes that queue a record, for a caller that commits them together with its own changes
     * (a task transition and its frame to the peer). A failed commit only leaves a gap in `seq`.
     */
    prepare(record: Omit<OutboxRecord, 'seq'>): { full: OutboxRecord; ops: StoreOp[] } {
      const at = ++lastSeq
      const full: OutboxRecord = { ...record, seq: at }
      remember(full)
      const ops: StoreOp[] = [
        messages.putOp(full.id, full),
        queue.putOp([full.to, at], full.id),
        counter.putOp(null, at),
      ]
      // Task and network frames are not messages: they stay out of the GetOutbox listing.
      if (full.channel == null) ops.push(sent.putOp(at, full.id))
      if (full.idempotencyKey !== '') ops.push(idempotency.putOp(full.idempotencyKey, full.id))
      return { full, ops }
    },

    /** The oldest queued message for a recipient. */
    async nextQueued(to: string): Promise<OutboxRecord | undefined> {
      return (await this.queued(to, 1))[0]
    },

    /** The oldest `limit` queued messages for a recipient, in send order. */
    async queued(to: string, limit: number): Promise<OutboxRecord[]> {
      const ids: string[] = []
      for await (const id of queue.values({ group: to, limit })) ids.push(id)
      // One read for the whole window instead of one per message.
      const records = await messages.getMany(ids)
      return records.filter((r) => r != null)
    },

    /**
     * The oldest `limit` queued messages for a recipient that are not in `skip` (those already sent
     * on a stream and not yet settled), in send order. A message committed after one with a higher
     * seq (two commits racing) is still found, ahead of the ones after it.
     */
    async queuedExcept(
      to: string,
      skip: ReadonlySet<string>,
      limit: number,
    ): Promise<{ records: OutboxRecord[]; full: boolean }> {
      const ids: string[] = []
      if (limit <= 0) return { records: [], full: true }
      for await (const id of queue.values({ group: to })) {
        if (skip.has(id)) continue
        ids.push(id)
        if (ids.length >= limit) break
      }
      // `full`: the limit was reached, so more may be queued (records settled meanwhile are left out).
      return { records: await fromCache(ids), full: ids.length >= limit }
    },

    /** Recipients that have queued messages (to resume delivery after a restart). */
    async queuedRecipients(): Promise<string[]> {
      const out = new Set<string>()
      for await (const [to] of queue.keys()) out.add(to)
      return [...out]
    },

    /**
     * Moves a message that is still queued to a final state and takes it off its queue, atomically.
     * Returns the new record, or undefined when it was no longer queued (settled meanwhile).
     */
    async finish(
      record: OutboxRecord,
      status: Exclude<OutboxStatus, 'queued'>,
      patch: Partial<OutboxRecord>,
    ): Promise<OutboxRecord | undefined> {
      return (await this.finishMany([{ record, status, patch }]))[0]
    },

    /**
     * finish() for many messages in one atomic write (a delivered window). Messages no longer queued
     * (canceled while in flight) are left as they are and not returned.
     */
    async finishMany(
      items: Array<{
        record: OutboxRecord
        status: Exclude<OutboxStatus, 'queued'>
        patch: Partial<OutboxRecord>
      }>,
    ): Promise<OutboxRecord[]> {
      const ids = [...new Set(items.map((i) => i.record.id))].sort()
      return lockAll(ids, async () => {
        // Every change of a queued record goes through this store (under the lock): a remembered
        // record is its current state, and only the others are read.
        const current = await fromCacheAll(items.map((i) => i.record.id))
        const next = items
          .filter((_, i) => current[i]?.status === 'queued')
          .map(({ record, status, patch }) => ({ ...record, ...patch, status }))
        if (next.length > 0)
          await store.commit(next.flatMap((r) => [messages.putOp(r.id, r), queue.delOp([r.to, r.seq])]))
        for (const i of items) queuedRecords.delete(i.record.id)
        return next
      })
    },

    /** Records a retry of a queued message; one settled meanwhile (e.g. canceled) stays as it is. */
    async update(record: OutboxRecord, patch: Partial<OutboxRecord>): Promise<OutboxRecord> {
      return lock(record.id, async () => {
        const current = await get(record.id)
        if (current != null && current.status !== 'queued') return current
        const next = { ...record, ...patch }
        await messages.put(record.id, next)
        if (queuedRecords.has(record.id)) queuedRecords.set(record.id, next)
        return next
      })
    },

    async list(
      filter: { status?: OutboxStatus; to?: string },
      afterSeq: number,
      limit: number,
    ): Promise<OutboxRecord[]> {
      const out: OutboxRecord[] = []
      for await (const id of sent.values({ gt: afterSeq })) {
        const r = await get(id)
        if (r == null || r.channel != null) continue
        if ((filter.status == null || r.status === filter.status) && (!filter.to || r.to === filter.to))
          out.push(r)
        if (out.length >= limit) break
      }
      return out
    },
  }
}

export type OutboxStore = Awaited<ReturnType<typeof openOutboxStore>>
