// The thread index (sublevel "threads"): every message with a thread_id, sent or received, in the order
// this daemon stored it, plus one summary per thread. Task and network frames are not messages and are
// never indexed; messages without a thread_id belong to no thread.
//
// Buckets (store/buckets.ts; h = sha256 hex of the thread id: thread ids are arbitrary strings chosen
// by the sender, the hash gives every thread a short key that cannot run into another thread's range):
//   threads.entries      <h>!<seq> -> {in: inbox seq} | {out: outbox id}: the thread's messages, in order
//   threads.summaries    <h> -> ThreadState (the summary)
//   threads.recent       <seq> -> h, one per thread, at the seq of its latest message (ListThreads)
//   threads.by-peer      <did>!<seq> -> h, one per (thread, counterparty), at the seq of the latest
//                        message exchanged with that counterparty in the thread (ListThreads by peer)
//   threads.indexed-in / -out   <inbox seq> / <outbox id> -> thread seq: this message is indexed (makes
//                        the catch-up idempotent)
//   threads.watermark-in / -out inbox / outbox seq of the last message written with this index
// `seq` is one counter for the whole index (the highest `recent` key: no counter is written per message).
//
// Written in the same batch as the message itself (inbox add, outbox add), so a message and its index
// entries exist together or not at all. Messages stored by a daemon without this index (an older
// version) are indexed at startup by `catchUp`, which starts after the watermarks.
//
// Why an index and not a scan: a thread can span any number of inbox and outbox messages, so deriving
// threads from the stores would cost a full scan of both per ListThreads page. With the index, each new
// message costs one read and a constant number of writes, whatever the thread's length or number of
// participants (the summary holds one small entry per counterparty); ListThreads and GetThread read one
// key range per page. Writes to one thread are serialized (its summary is read, changed and written
// back); different threads proceed in parallel.

import { createHash } from 'node:crypto'
import { json, pair, seq, single, text, unit } from '../store/codecs.ts'
import { array, either, num, object, type Shape, str } from '../store/shape.ts'
import type { Store, StoreOp } from '../store/store.ts'
import type { InboxRecord, OutboxRecord } from './records.ts'

/** A message as the index sees it. */
export interface ThreadMessageRef {
  dir: 'in' | 'out'
  /** Inbox seq (received) or outbox seq (sent): the catch-up watermark. */
  storeSeq: number
  /** Where the message is: inbox seq or outbox id. */
  ref: number | string
  threadId: string
  /** The other agent: sender of a received message, recipient of a sent one. */
  counterparty: string
  /** Local time the message was stored: sent (created) here or received here. */
  atMs: number
}

export type ThreadEntry = { in: number } | { out: string }

export interface ThreadState {
  threadId: string
  count: number
  /** Index seq of the latest message. */
  lastSeq: number
  /** Local time of the latest message (never goes back). */
  lastMessageAtMs: number
  /** Counterparties in the order they first appeared, with the index seq of their latest message. */
  peers: Array<{ did: string; lastSeq: number }>
}

const threadEntryShape: Shape<ThreadEntry> = either(
  object<{ in: number }>({ in: num }),
  object<{ out: string }>({ out: str }),
)
const threadStateShape: Shape<ThreadState> = object<ThreadState>({
  threadId: str,
  count: num,
  lastSeq: num,
  lastMessageAtMs: num,
  peers: array(object<{ did: string; lastSeq: number }>({ did: str, lastSeq: num })),
})

/** Messages indexed per batch by the startup catch-up. */
const CATCH_UP_BATCH = 500

export const threadKey = (threadId: string): string => createHash('sha256').update(threadId).digest('hex')

export function inboxRef(r: InboxRecord): ThreadMessageRef {
  return {
    dir: 'in',
    storeSeq: r.seq,
    ref: r.seq,
    threadId: r.threadId,
    counterparty: r.from,
    atMs: r.receivedAtMs,
  }
}

export function outboxRef(r: OutboxRecord): ThreadMessageRef {
  return {
    dir: 'out',
    storeSeq: r.seq,
    ref: r.id,
    threadId: r.threadId,
    counterparty: r.to,
    atMs: r.createdAtMs,
  }
}

export async function openThreadIndex(store: Store) {
  const entries = store.repository('threads.entries', pair(text, seq), json(threadEntryShape))
  const summaries = store.repository('threads.summaries', single(text), json(threadStateShape))
  const recent = store.repository('threads.recent', single(seq), json(str))
  const byPeer = store.repository('threads.by-peer', pair(text, seq), json(str))
  const indexed = {
    in: store.repository('threads.indexed-in', single(seq), json(num)),
    out: store.repository('threads.indexed-out', single(text), json(num)),
  }
  const watermarks = {
    in: store.repository('threads.watermark-in', unit, json(num)),
    out: store.repository('threads.watermark-out', unit, json(num)),
  }
  /** Marks a message as indexed, or tells whether it is. */
  const memberOp = (m: ThreadMessageRef, at: number): StoreOp =>
    typeof m.ref === 'number' ? indexed.in.putOp(m.ref, at) : indexed.out.putOp(m.ref, at)
  const isMember = (m: ThreadMessageRef): Promise<boolean> =>
    typeof m.ref === 'number' ? indexed.in.has(m.ref) : indexed.out.has(m.ref)

  let lastSeq = 0
  for await (const at of recent.keys({ reverse: true, limit: 1 })) lastSeq = at

  /** The writes that add `m` to its thread as message number `at`, and the new summary. */
  function apply(
    prev: ThreadState | undefined,
    m: ThreadMessageRef,
    at: number,
  ): { next: ThreadState; ops: StoreOp[] } {
    const h = threadKey(m.threadId)
    const ops: StoreOp[] = [
      entries.putOp([h, at], typeof m.ref === 'number' ? { in: m.ref } : { out: m.ref }),
      memberOp(m, at),
      recent.putOp(at, h),
      byPeer.putOp([m.counterparty, at], h),
    ]
    if (prev != null) ops.push(recent.delOp(prev.lastSeq))
    const peers = (prev?.peers ?? []).map((p) => {
      if (p.did !== m.counterparty) return p
      ops.push(byPeer.delOp([p.did, p.lastSeq]))
      return { did: p.did, lastSeq: at }
    })
    if (!peers.some((p) => p.did === m.counterparty)) peers.push({ did: m.counterparty, lastSeq: at })
    const next: ThreadState = {
      threadId: m.threadId,
      count: (prev?.count ?? 0) + 1,
      lastSeq: at,
      lastMessageAtMs: Math.max(prev?.lastMessageAtMs ?? 0, m.atMs),
      peers,
    }
    ops.push(summaries.putOp(h, next))
    return { next, ops }
  }

  // One promise chain per thread: a summary is read and written back by one writer at a time.
  const chains = new Map<string, Promise<unknown>>()
  function serialized<T>(h: string, fn: () => Promise<T>): Promise<T> {
    const run = (chains.get(h) ?? Promise.resolve()).then(fn, fn)
    const tail = run.catch(() => undefined)
    chains.set(h, tail)
    void tail.then(() => {
      if (chains.get(h) === tail) chains.delete(h)
    })
    return run
  }

  const state = (h: string): Promise<ThreadState | undefined> => summaries.get(h)

  return {
    /**
     * Commits a new message's own writes (`ops`) together with its index entries, in one atomic batch.
     * Messages without a thread only move the watermark.
     */
    async commit(m: ThreadMessageRef, ops: StoreOp[]): Promise<void> {
      const base = [...ops, watermarks[m.dir].putOp(null, m.storeSeq)]
      if (m.threadId === '') return store.commit(base)
      const h = threadKey(m.threadId)
      await serialized(h, async () => {
        const at = ++lastSeq
        await store.commit([...base, ...apply(await state(h), m, at).ops])
      })
    },

    /**
     * Indexes the messages stored after the watermarks that are not indexed yet (all of them on the
     * first start of a daemon with this index; none after a normal run), sent and received merged by
     * local time. Runs at startup, before any message can arrive. Returns how many it indexed.
     */
    async catchUp(
      inboxAfter: (seq: number) => AsyncIterable<ThreadMessageRef>,
      outboxAfter: (seq: number) => AsyncIterable<ThreadMessageRef>,
    ): Promise<number> {
      const watermark = {
        in: (await watermarks.in.get(null)) ?? 0,
        out: (await watermarks.out.get(null)) ?? 0,
      }
      const seen = { ...watermark }
      const received = inboxAfter(watermark.in)[Symbol.asyncIterator]()
      const sent = outboxAfter(watermark.out)[Symbol.asyncIterator]()
      let r = await received.next()
      let s = await sent.next()
      let indexed = 0
      let ops: StoreOp[] = []
      const cache = new Map<string, ThreadState>()
      const flush = async () => {
        ops.push(watermarks.in.putOp(null, seen.in), watermarks.out.putOp(null, seen.out))
        await store.commit(ops)
        ops = []
        cache.clear()
      }
      while (!r.done || !s.done) {
        const takeReceived = s.done || (!r.done && r.value.atMs <= s.value.atMs)
        const m: ThreadMessageRef | undefined = takeReceived ? r.value : s.value
        if (m == null) break
        if (takeReceived) r = await received.next()
        else s = await sent.next()
        seen[m.dir] = Math.max(seen[m.dir], m.storeSeq)
        if (m.threadId === '' || (await isMember(m))) continue
        const h = threadKey(m.threadId)
        const { next, ops: more } = apply(cache.get(h) ?? (await state(h)), m, ++lastSeq)
        cache.set(h, next)
        ops.push(...more)
        if (++indexed % CATCH_UP_BATCH === 0) await flush()
      }
      if (seen.in !== watermark.in || seen.out !== watermark.out || ops.length > 0) await flush()
      return indexed
    },

    /** The summary of a thread, or undefined when this daemon has no message in it. */
    get: (threadId: string) => state(threadKey(threadId)),

    /**
     * Threads, most recent first: those whose latest message (with `peer`: latest message exchanged
     * with that peer) has an index seq below `beforeSeq` (0 = from the newest). `cursor` is that seq.
     */
    async list(
      filter: { peer?: string },
      beforeSeq: number,
      limit: number,
    ): Promise<Array<{ thread: ThreadState; cursor: number }>> {
      const rows: Array<{ h: string; cursor: number }> = []
      const before = beforeSeq > 0 ? beforeSeq : undefined
      const { peer } = filter
      if (peer != null) {
        const lt = before == null ? undefined : ([peer, before] satisfies [string, number])
        for await (const [[, cursor], h] of byPeer.entries({ group: peer, lt, reverse: true, limit }))
          rows.push({ h, cursor })
      } else
        for await (const [cursor, h] of recent.entries({ lt: before, reverse: true, limit }))
          rows.push({ h, cursor })
      const states = await summaries.getMany(rows.map((row) => row.h))
      return rows.flatMap((row, i) => {
        const thread = states[i]
        return thread == null ? [] : [{ thread, cursor: row.cursor }]
      })
    },

    /** The messages of a thread after index seq `afterSeq`, in order, at most `limit`. */
    async entries(
      threadId: string,
      afterSeq: number,
      limit: number,
    ): Promise<Array<{ seq: number; entry: ThreadEntry }>> {
      const h = threadKey(threadId)
      const out: Array<{ seq: number; entry: ThreadEntry }> = []
      for await (const [[, at], entry] of entries.entries({ group: h, gt: [h, afterSeq], limit }))
        out.push({ seq: at, entry })
      return out
    },
  }
}

export type ThreadIndex = Awaited<ReturnType<typeof openThreadIndex>>
