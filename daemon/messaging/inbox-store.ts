// The persistent inbox. Buckets (store/buckets.ts):
//   inbox.messages  <seq> -> InboxRecord, in arrival order (seq is the resume cursor)
//   inbox.dedupe    <from>!<id> -> seq, for exactly-once dedupe per sender
//   inbox.ids       <id> -> seq, lookup by message id
//   inbox.last-seq  last assigned seq
// A received message, its dedupe key, the counter and its thread index entries (thread-index.ts) are
// written in one batch before the ack.

import { json, pair, seq, single, text, unit } from '../store/codecs.ts'
import { num } from '../store/shape.ts'
import type { Store, StoreOp } from '../store/store.ts'
import { inboxRecordShape } from './record-shapes.ts'
import type { InboxRecord } from './records.ts'
import { inboxRef, type ThreadIndex, type ThreadMessageRef } from './thread-index.ts'

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
  const messages = store.repository('inbox.messages', single(seq), json(inboxRecordShape))
  const dedupe = store.repository('inbox.dedupe', pair(text, text), json(num))
  const ids = store.repository('inbox.ids', single(text), json(num))
  const counter = store.repository('inbox.last-seq', unit, json(num))
  let lastSeq = (await counter.get(null)) ?? 0
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
  for await (const r of messages.values()) {
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
      return dedupe.has([from, id])
    },

    /** Whether any sender's message already has this id (ids are unique in the inbox). */
    async idTaken(id: string): Promise<boolean> {
      return ids.has(id)
    },

    /** Persists a new message (caller checked it is not a duplicate). Returns the stored record. */
    async add(record: Omit<InboxRecord, 'seq'>): Promise<InboxRecord> {
      const at = ++lastSeq
      const full: InboxRecord = { ...record, seq: at }
      const ops: StoreOp[] = [
        messages.putOp(at, full),
        dedupe.putOp([record.from, record.id], at),
        ids.putOp(record.id, at),
        counter.putOp(null, at),
      ]
      await threads.commit(inboxRef(full), ops)
      count++
      if (!full.read) unread++
      if (!full.acked) track(full, 1)
      return full
    },

    async getById(id: string): Promise<InboxRecord | undefined> {
      const at = await ids.get(id)
      return at == null ? undefined : messages.get(at)
    },

    /** Records by seq (undefined where there is none). */
    async getManyBySeq(seqs: number[]): Promise<Array<InboxRecord | undefined>> {
      return messages.getMany(seqs)
    },

    /** Every record after `afterSeq`, in arrival order, as the thread index sees it (its catch-up). */
    async *threadRefsAfter(afterSeq: number): AsyncGenerator<ThreadMessageRef> {
      for await (const r of messages.values({ gt: afterSeq })) yield inboxRef(r)
    },

    /** Records after `afterSeq` in arrival order, filtered, at most `limit`. */
    async list(filter: InboxFilter, afterSeq: number, limit: number): Promise<InboxRecord[]> {
      const out: InboxRecord[] = []
      for await (const r of messages.values({ gt: afterSeq })) {
        if (matchesInbox(r, filter)) out.push(r)
        if (out.length >= limit) break
      }
      return out
    },

    /** Sets read/acked flags; returns how many records changed. */
    async update(ids: string[], change: { read?: boolean; acked?: boolean }): Promise<number> {
      let changed = 0
      const ops: StoreOp[] = []
      for (const id of new Set(ids)) {
        const r = await this.getById(id)
        if (r == null) continue
        const next = { ...r, read: change.read ?? r.read, acked: change.acked ?? r.acked }
        if (next.read === r.read && next.acked === r.acked) continue
        if (r.read !== next.read) unread += next.read ? -1 : 1
        if (r.acked !== next.acked) track(r, next.acked ? -1 : 1)
        ops.push(messages.putOp(r.seq, next))
        changed++
      }
      if (ops.length > 0) await store.commit(ops)
      return changed
    },
  }
}

export type InboxStore = Awaited<ReturnType<typeof openInboxStore>>
