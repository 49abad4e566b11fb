// The thread index (sublevel "threads"): every message with a thread_id, sent or received, in the order
// this daemon stored it, plus one summary per thread. Task and network frames are not messages and are
// never indexed; messages without a thread_id belong to no thread.
//
// Keys (h = sha256 hex of the thread id: thread ids are arbitrary strings chosen by the sender, the
// hash gives every thread a short key that cannot run into another thread's range):
//   t!<h>!<seq>                   {in: inbox seq} | {out: outbox id}: the thread's messages, in order
//   s!<h>                         ThreadState (the summary)
//   r!<seq>                       h, one per thread, at the seq of its latest message (ListThreads)
//   p!<did>!<seq>                 h, one per (thread, counterparty), at the seq of the latest message
//                                 exchanged with that counterparty in the thread (ListThreads by peer)
//   e!in!<inbox seq>, e!out!<id>  thread seq: this message is indexed (makes the catch-up idempotent)
//   meta!in, meta!out             inbox / outbox seq of the last message written with this index
// `seq` is one counter for the whole index (the highest `r!` key: no counter key is written per message).
//
// Written in the same batch as the message itself (inbox add, outbox add), so a message and its index
// entries exist together or not at all. Messages stored by a daemon without this index (an older
// version) are indexed at startup by `catchUp`, which starts after meta!in / meta!out.
//
// Why an index and not a scan: a thread can span any number of inbox and outbox messages, so deriving
// threads from the stores would cost a full scan of both per ListThreads page. With the index, each new
// message costs one read and a constant number of writes, whatever the thread's length or number of
// participants (the summary holds one small entry per counterparty); ListThreads and GetThread read one
// key range per page. Writes to one thread are serialized (its summary is read, changed and written
// back); different threads proceed in parallel.

import { createHash } from 'node:crypto'
import { seqKey } from '../common/ids.ts'
import type { JsonSublevel, Store, StoreOp } from '../store/store.ts'
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

type Value = ThreadEntry | ThreadState | string | number

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

const memberKey = (m: ThreadMessageRef) =>
  m.dir === 'in' ? `e!in!${seqKey(m.ref as number)}` : `e!out!${m.ref as string}`
const watermarkKey = (dir: 'in' | 'out') => `meta!${dir}`
const seqOfKey = (key: string) => Number(key.slice(key.lastIndexOf('!') + 1))

export async function openThreadIndex(store: Store) {
  const db: JsonSublevel<Value> = store.sublevel<Value>('threads')
  const sublevel = db as unknown as JsonSublevel<never>
  const put = (key: string, value: unknown): StoreOp => ({ type: 'put', key, value, sublevel })
  const del = (key: string): StoreOp => ({ type: 'del', key, sublevel })

  let lastSeq = 0
  for await (const key of db.keys({ gt: 'r!', lt: 'r"', reverse: true, limit: 1 })) lastSeq = seqOfKey(key)

  /** The writes that add `m` to its thread as message number `seq`, and the new summary. */
  function apply(
    prev: ThreadState | undefined,
    m: ThreadMessageRef,
    seq: number,
  ): { next: ThreadState; ops: StoreOp[] } {
    const h = threadKey(m.threadId)
    const ops: StoreOp[] = [
      put(`t!${h}!${seqKey(seq)}`, m.dir === 'in' ? { in: m.ref } : { out: m.ref }),
      put(memberKey(m), seq),
      put(`r!${seqKey(seq)}`, h),
      put(`p!${m.counterparty}!${seqKey(seq)}`, h),
    ]
    if (prev != null) ops.push(del(`r!${seqKey(prev.lastSeq)}`))
    const peers = (prev?.peers ?? []).map((p) => {
      if (p.did !== m.counterparty) return p
      ops.push(del(`p!${p.did}!${seqKey(p.lastSeq)}`))
      return { did: p.did, lastSeq: seq }
    })
    if (!peers.some((p) => p.did === m.counterparty)) peers.push({ did: m.counterparty, lastSeq: seq })
    const next: ThreadState = {
      threadId: m.threadId,
      count: (prev?.count ?? 0) + 1,
      lastSeq: seq,
      lastMessageAtMs: Math.max(prev?.lastMessageAtMs ?? 0, m.atMs),
      peers,
    }
    ops.push(put(`s!${h}`, next))
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

  async function state(h: string): Promise<ThreadState | undefined> {
    return (await db.get(`s!${h}`)) as ThreadState | undefined
  }

  return {
    /**
     * Commits a new message's own writes (`ops`) together with its index entries, in one atomic batch.
     * Messages without a thread only move the watermark.
     */
    async commit(m: ThreadMessageRef, ops: StoreOp[]): Promise<void> {
      const base = [...ops, put(watermarkKey(m.dir), m.storeSeq)]
      if (m.threadId === '') return store.commit(base)
      const h = threadKey(m.threadId)
      await serialized(h, async () => {
        const seq = ++lastSeq
        await store.commit([...base, ...apply(await state(h), m, seq).ops])
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
        in: ((await db.get(watermarkKey('in'))) as number | undefined) ?? 0,
        out: ((await db.get(watermarkKey('out'))) as number | undefined) ?? 0,
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
        ops.push(put(watermarkKey('in'), seen.in), put(watermarkKey('out'), seen.out))
        await store.commit(ops)
        ops = []
        cache.clear()
      }
      while (!r.done || !s.done) {
        const takeReceived = s.done || (!r.done && r.value.atMs <= s.value.atMs)
        const m = (takeReceived ? r.value : s.value) as ThreadMessageRef
        if (takeReceived) r = await received.next()
        else s = await sent.next()
        seen[m.dir] = Math.max(seen[m.dir], m.storeSeq)
        if (m.threadId === '' || (await db.get(memberKey(m))) !== undefined) continue
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
      const prefix = filter.peer != null ? `p!${filter.peer}!` : 'r!'
      const range = {
        gt: prefix,
        lt: beforeSeq > 0 ? `${prefix}${seqKey(beforeSeq)}` : `${prefix.slice(0, -1)}"`,
        reverse: true,
        limit,
      }
      const rows: Array<{ h: string; cursor: number }> = []
      for await (const [key, h] of db.iterator(range)) rows.push({ h: h as string, cursor: seqOfKey(key) })
      const states = await db.getMany(rows.map((row) => `s!${row.h}`))
      return rows.flatMap((row, i) => {
        const thread = states[i] as ThreadState | undefined
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
      for await (const [key, entry] of db.iterator({
        gt: `t!${h}!${seqKey(afterSeq)}`,
        lt: `t!${h}"`,
        limit,
      }))
        out.push({ seq: seqOfKey(key), entry: entry as ThreadEntry })
      return out
    },
  }
}

export type ThreadIndex = Awaited<ReturnType<typeof openThreadIndex>>
