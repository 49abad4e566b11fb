// The persistent inbox. Keys (sublevel "inbox"):
//   m!<seq>        InboxRecord, in arrival order (seq is the resume cursor)
//   i!<from>!<id>  seq, for exactly-once dedupe per sender
//   x!<id>         seq, lookup by message id
//   meta!seq       last assigned seq
// A received message, its dedupe key, the counter and its thread index entries (thread-index.ts) are
// written in one batch before the ack.

import { seqKey } from '../common/ids.ts'
import type { JsonSublevel, Store, StoreOp } from '../store/store.ts'
import type { InboxRecord } from './records.ts'
import { inboxRef, type ThreadIndex, type ThreadMessageRef } from './thread-index.ts'

type Value = InboxRecord | number

export interface InboxFilter {
  from?: string
  contextId?: string
  threadId?: string
  unreadOnly?: boolean
  sinceMs?: number
}

export function matchesInbox(r: InboxRecord, f: InboxFilter): boolean {
  return (
    (!f.from || r.from === f.from) &&
    (!f.contextId || r.contextId === f.contextId) &&
    (!f.threadId || r.threadId === f.threadId) &&
    (!f.unreadOnly || !r.read) &&
    (!f.sinceMs || r.receivedAtMs >= f.sinceMs)
  )
}

/** Body size of a stored record (kept base64). */
const bodyBytes = (r: InboxRecord) => Math.floor((r.body.length * 3) / 4)

export async function openInboxStore(store: Store, threads: ThreadIndex) {
  const db: JsonSublevel<Value> = store.sublevel<Value>('inbox')
  let lastSeq = ((await db.get('meta!seq')) as number | undefined) ?? 0
  let count = 0
  let unread = 0
  // Unacknowledged messages and body bytes per sender: what per-peer quotas count.
  const pending = new Map<string, { messages: number; bytes: number }>()
  let pendingTotal = 0
  const track = (r: InboxRecord, sign: 1 | -1) => {
    const p = pending.get(r.from) ?? { messages: 0, bytes: 0 }
    p.messages += sign
    p.bytes += sign * bodyBytes(r)
    pendingTotal += sign
    if (p.messages <= 0) pending.delete(r.from)
    else pending.set(r.from, p)
  }
  for await (const value of db.values({ gte: 'm!', lt: 'm"' })) {
    const r = value as InboxRecord
    count++
    if (!r.read) unread++
    if (!r.acked) track(r, 1)
  }

  return {
    get size() {
      return count
    },
    get unreadCount() {
      return unread
    },
    get lastSeq() {
      return lastSeq
    },

    /** Unacknowledged messages (and their body bytes) from one sender. */
    unackedFrom(from: string): { messages: number; bytes: number } {
      return pending.get(from) ?? { messages: 0, bytes: 0 }
    },

    /** Unacknowledged messages from every sender, with the senders. */
    unacked(): { total: number; bySender: ReadonlyMap<string, { messages: number; bytes: number }> } {
      return { total: pendingTotal, bySender: pending }
    },

    async isDuplicate(from: string, id: string): Promise<boolean> {
      return (await db.get(`i!${from}!${id}`)) !== undefined
    },

    /** Whether any sender's message already has this id (ids are unique in the inbox). */
    async idTaken(id: string): Promise<boolean> {
      return (await db.get(`x!${id}`)) !== undefined
    },

    /** Persists a new message (caller checked it is not a duplicate). Returns the stored record. */
    async add(record: Omit<InboxRecord, 'seq'>): Promise<InboxRecord> {
      const seq = ++lastSeq
      const full: InboxRecord = { ...record, seq }
      const sublevel = db as unknown as JsonSublevel<never>
      const ops: StoreOp[] = [
        { type: 'put', key: `m!${seqKey(seq)}`, value: full, sublevel },
        { type: 'put', key: `i!${record.from}!${record.id}`, value: seq, sublevel },
        { type: 'put', key: `x!${record.id}`, value: seq, sublevel },
        { type: 'put', key: 'meta!seq', value: seq, sublevel },
      ]
      await threads.commit(inboxRef(full), ops)
      count++
      if (!full.read) unread++
      if (!full.acked) track(full, 1)
      return full
    },

    async getById(id: string): Promise<InboxRecord | undefined> {
      const seq = (await db.get(`x!${id}`)) as number | undefined
      return seq == null ? undefined : ((await db.get(`m!${seqKey(seq)}`)) as InboxRecord | undefined)
    },

    /** Records by seq (undefined where there is none). */
    async getManyBySeq(seqs: number[]): Promise<Array<InboxRecord | undefined>> {
      return (await db.getMany(seqs.map((seq) => `m!${seqKey(seq)}`))) as Array<InboxRecord | undefined>
    },

    /** Every record after `afterSeq`, in arrival order, as the thread index sees it (its catch-up). */
    async *threadRefsAfter(afterSeq: number): AsyncGenerator<ThreadMessageRef> {
      for await (const value of db.values({ gt: `m!${seqKey(afterSeq)}`, lt: 'm"' }))
        yield inboxRef(value as InboxRecord)
    },

    /** Records after `afterSeq` in arrival order, filtered, at most `limit`. */
    async list(filter: InboxFilter, afterSeq: number, limit: number): Promise<InboxRecord[]> {
      const out: InboxRecord[] = []
      for await (const value of db.values({ gt: `m!${seqKey(afterSeq)}`, lt: 'm"' })) {
        const r = value as InboxRecord
        if (matchesInbox(r, filter)) out.push(r)
        if (out.length >= limit) break
      }
      return out
    },

    /** Sets read/acked flags; returns how many records changed. */
    async update(ids: string[], change: { read?: boolean; acked?: boolean }): Promise<number> {
      let changed = 0
      const ops: Array<{ type: 'put'; key: string; value: Value }> = []
      for (const id of new Set(ids)) {
        const r = await this.getById(id)
        if (r == null) continue
        const next = { ...r, read: change.read ?? r.read, acked: change.acked ?? r.acked }
        if (next.read === r.read && next.acked === r.acked) continue
        if (r.read !== next.read) unread += next.read ? -1 : 1
        if (r.acked !== next.acked) track(r, next.acked ? -1 : 1)
        ops.push({ type: 'put', key: `m!${seqKey(r.seq)}`, value: next })
        changed++
      }
      if (ops.length > 0) await db.batch(ops)
      return changed
    },
  }
}

export type InboxStore = Awaited<ReturnType<typeof openInboxStore>>
