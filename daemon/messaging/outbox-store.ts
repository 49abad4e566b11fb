// The persistent outbox. Keys (sublevel "outbox"):
//   m!<id>            OutboxRecord
//   o!<seq>           id, in send order (listing; messages only, not task frames)
//   q!<to>!<seq>      id, only while queued: the delivery queue of one recipient, in order
//   k!<idempotency>   id
//   meta!seq          last assigned seq
// A message is written (with its queue entry and its thread index entries, see thread-index.ts) in one
// batch before SendMessage returns.

import { seqKey } from '../common/ids.ts'
import type { JsonSublevel, Store, StoreOp } from '../store/store.ts'
import type { OutboxRecord, OutboxStatus } from './records.ts'
import { outboxRef, type ThreadIndex, type ThreadMessageRef } from './thread-index.ts'

type Value = OutboxRecord | string | number

export async function openOutboxStore(store: Store, threads: ThreadIndex) {
  const db: JsonSublevel<Value> = store.sublevel<Value>('outbox')
  let lastSeq = ((await db.get('meta!seq')) as number | undefined) ?? 0

  async function get(id: string): Promise<OutboxRecord | undefined> {
    return (await db.get(`m!${id}`)) as OutboxRecord | undefined
  }

  return {
    get,

    async byIdempotencyKey(key: string): Promise<OutboxRecord | undefined> {
      const id = (await db.get(`k!${key}`)) as string | undefined
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
      return (await db.getMany(ids.map((id) => `m!${id}`))) as Array<OutboxRecord | undefined>
    },

    /** Every message (not frame) after `afterSeq`, in send order, as the thread index sees it. */
    async *threadRefsAfter(afterSeq: number): AsyncGenerator<ThreadMessageRef> {
      for await (const id of db.values({ gt: `o!${seqKey(afterSeq)}`, lt: 'o"' })) {
        const r = await get(id as string)
        if (r != null && r.channel == null) yield outboxRef(r)
      }
    },

    /**
     * The writes that queue a record, for a caller that commits them together with its own changes
     * (a task transition and its frame to the peer). A failed commit only leaves a gap in `seq`.
     */
    prepare(record: Omit<OutboxRecord, 'seq'>): { full: OutboxRecord; ops: StoreOp[] } {
      const seq = ++lastSeq
      const full: OutboxRecord = { ...record, seq }
      const sublevel = db as unknown as JsonSublevel<never>
      const ops: StoreOp[] = [
        { type: 'put', key: `m!${full.id}`, value: full, sublevel },
        { type: 'put', key: `q!${full.to}!${seqKey(seq)}`, value: full.id, sublevel },
        { type: 'put', key: 'meta!seq', value: seq, sublevel },
      ]
      // Task and network frames are not messages: they stay out of the GetOutbox listing.
      if (full.channel == null) ops.push({ type: 'put', key: `o!${seqKey(seq)}`, value: full.id, sublevel })
      if (full.idempotencyKey !== '')
        ops.push({ type: 'put', key: `k!${full.idempotencyKey}`, value: full.id, sublevel })
      return { full, ops }
    },

    /** The oldest queued message for a recipient. */
    async nextQueued(to: string): Promise<OutboxRecord | undefined> {
      return (await this.queued(to, 1))[0]
    },

    /** The oldest `limit` queued messages for a recipient, in send order. */
    async queued(to: string, limit: number): Promise<OutboxRecord[]> {
      const ids: string[] = []
      for await (const id of db.values({ gt: `q!${to}!`, lt: `q!${to}"`, limit })) ids.push(id as string)
      // One read for the whole window instead of one per message.
      const records = await db.getMany(ids.map((id) => `m!${id}`))
      return records.filter((r): r is OutboxRecord => r != null && typeof r === 'object')
    },

    /** Recipients that have queued messages (to resume delivery after a restart). */
    async queuedRecipients(): Promise<string[]> {
      const out = new Set<string>()
      for await (const key of db.keys({ gt: 'q!', lt: 'q"' })) out.add(key.slice(2, key.lastIndexOf('!')))
      return [...out]
    },

    /** Moves a message to a final state and takes it off its queue, atomically. */
    async finish(
      record: OutboxRecord,
      status: Exclude<OutboxStatus, 'queued'>,
      patch: Partial<OutboxRecord>,
    ): Promise<OutboxRecord> {
      const next: OutboxRecord = { ...record, ...patch, status }
      await db.batch([
        { type: 'put', key: `m!${record.id}`, value: next },
        { type: 'del', key: `q!${record.to}!${seqKey(record.seq)}` },
      ])
      return next
    },

    /** finish() for many messages in one atomic write (a delivered window). */
    async finishMany(
      items: Array<{
        record: OutboxRecord
        status: Exclude<OutboxStatus, 'queued'>
        patch: Partial<OutboxRecord>
      }>,
    ): Promise<OutboxRecord[]> {
      const next = items.map(({ record, status, patch }) => ({ ...record, ...patch, status }))
      await db.batch(
        next.flatMap((r) => [
          { type: 'put' as const, key: `m!${r.id}`, value: r },
          { type: 'del' as const, key: `q!${r.to}!${seqKey(r.seq)}` },
        ]),
      )
      return next
    },

    /** Records a retry of a queued message; one canceled meanwhile (no longer queued) stays as it is. */
    async update(record: OutboxRecord, patch: Partial<OutboxRecord>): Promise<OutboxRecord> {
      const current = await get(record.id)
      if (current != null && current.status !== 'queued') return current
      const next = { ...record, ...patch }
      await db.put(`m!${record.id}`, next)
      return next
    },

    async list(
      filter: { status?: OutboxStatus; to?: string },
      afterSeq: number,
      limit: number,
    ): Promise<OutboxRecord[]> {
      const out: OutboxRecord[] = []
      for await (const id of db.values({ gt: `o!${seqKey(afterSeq)}`, lt: 'o"' })) {
        const r = await get(id as string)
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
