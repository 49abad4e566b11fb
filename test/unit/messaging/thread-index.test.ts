// The thread index: written with each message, ordered, filtered by peer, and rebuilt at startup for
// messages stored without it (an older daemon's data).
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openInboxStore } from '../../../daemon/messaging/inbox-store.ts'
import { openOutboxStore } from '../../../daemon/messaging/outbox-store.ts'
import type { InboxRecord, OutboxRecord } from '../../../daemon/messaging/records.ts'
import { openThreadIndex, type ThreadIndex } from '../../../daemon/messaging/thread-index.ts'
import { openStore, type Store } from '../../../daemon/store/store.ts'

const ME = 'did:me'
let clock = 1_000

function received(id: string, from: string, threadId: string): Omit<InboxRecord, 'seq'> {
  return {
    id,
    from,
    to: ME,
    createdAtMs: clock,
    expiresAtMs: clock + 10_000,
    contextId: '',
    threadId,
    replyTo: '',
    body: '',
    receivedAtMs: ++clock,
    read: false,
    acked: false,
  }
}

function sent(id: string, to: string, threadId: string, channel?: 'task'): Omit<OutboxRecord, 'seq'> {
  return {
    id,
    from: ME,
    to,
    createdAtMs: ++clock,
    expiresAtMs: clock + 10_000,
    contextId: '',
    threadId,
    replyTo: '',
    body: '',
    signature: '',
    status: 'queued',
    attempts: 0,
    deliveredAtMs: 0,
    nextAttemptAtMs: 0,
    lastError: '',
    idempotencyKey: '',
    ...(channel != null ? { channel } : {}),
  }
}

async function open(store: Store) {
  const threads = await openThreadIndex(store)
  const inbox = await openInboxStore(store, threads)
  const outbox = await openOutboxStore(store, threads)
  const indexed = await threads.catchUp(inbox.threadRefsAfter, outbox.threadRefsAfter)
  return { threads, inbox, outbox, indexed }
}

/** Thread ids, newest first, and each thread's message refs in order. */
async function snapshot(threads: ThreadIndex, peer?: string) {
  const list = await threads.list({ peer }, 0, 100)
  return Promise.all(
    list.map(async ({ thread }) => ({
      id: thread.threadId,
      count: thread.count,
      peers: thread.peers.map((p) => p.did),
      entries: (await threads.entries(thread.threadId, 0, 100)).map(({ entry }) =>
        'in' in entry ? `in:${entry.in}` : `out:${entry.out}`,
      ),
    })),
  )
}

describe('thread index', () => {
  it('indexes sent and received messages per thread, newest thread first, by peer too', async () => {
    const store = await openStore(mkdtempSync(join(tmpdir(), 'mm-thr-')))
    const { threads, inbox, outbox, indexed } = await open(store)
    expect(indexed).toBe(0)
    await outbox.add(sent('o1', 'did:a', 't1'))
    await inbox.add(received('i1', 'did:a', 't1'))
    await inbox.add(received('i2', 'did:b', 't2'))
    await inbox.add(received('i3', 'did:a', '')) // no thread
    await outbox.add(sent('o2', 'did:a', '', 'task')) // a task frame: never in a thread
    await outbox.add(sent('o3', 'did:a', 't1!x')) // ids with separators stay separate threads
    await outbox.add(sent('o4', 'did:b', 't1'))
    // Concurrent writes to one thread all count.
    await Promise.all(Array.from({ length: 20 }, (_, i) => inbox.add(received(`c${i}`, 'did:c', 't3'))))

    const all = await snapshot(threads)
    expect(all.map((t) => [t.id, t.count])).toEqual([
      ['t3', 20],
      ['t1', 3],
      ['t1!x', 1],
      ['t2', 1],
    ])
    expect(all[1]?.peers).toEqual(['did:a', 'did:b'])
    expect(all[1]?.entries).toEqual(['out:o1', 'in:1', 'out:o4'])
    expect((await snapshot(threads, 'did:a')).map((t) => t.id)).toEqual(['t1!x', 't1'])
    expect((await snapshot(threads, 'did:b')).map((t) => t.id)).toEqual(['t1', 't2'])
    expect(await threads.get('nope')).toBeUndefined()

    // Paging: before the cursor of the previous page's last row.
    const first = await threads.list({}, 0, 2)
    const second = await threads.list({}, first[1]!.cursor, 2)
    expect([...first, ...second].map((r) => r.thread.threadId)).toEqual(['t3', 't1', 't1!x', 't2'])
    const page = await threads.entries('t1', 0, 2)
    expect((await threads.entries('t1', page[1]!.seq, 2)).map((e) => e.entry)).toEqual([{ out: 'o4' }])
    await store.close()
  })

  it('indexes at startup what was stored without it, once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mm-thr-'))
    let store = await openStore(dir)
    let s = await open(store)
    await s.inbox.add(received('i1', 'did:a', 't1'))
    await s.outbox.add(sent('o1', 'did:a', 't1'))
    await s.inbox.add(received('i2', 'did:b', 't2'))
    await s.outbox.add(sent('o2', 'did:b', ''))
    const before = await snapshot(s.threads)
    // An older daemon's database: the same messages, no thread index.
    await store.db.sublevel('threads').clear()
    await store.close()

    store = await openStore(dir)
    s = await open(store)
    expect(s.indexed).toBe(3)
    expect(await snapshot(s.threads)).toEqual(before)
    // New messages go after the rebuilt ones; a restart indexes nothing again.
    await s.inbox.add(received('i3', 'did:a', 't1'))
    await store.close()
    store = await openStore(dir)
    s = await open(store)
    expect(s.indexed).toBe(0)
    const after = await snapshot(s.threads)
    expect(after.map((t) => [t.id, t.count])).toEqual([
      ['t1', 3],
      ['t2', 1],
    ])
    expect(after[0]?.entries).toEqual(['in:1', 'out:o1', 'in:3'])
    await store.close()
  })

  it('rebuilds a large backlog in several batches', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mm-thr-'))
    let store = await openStore(dir)
    let s = await open(store)
    for (let i = 0; i < 1_200; i++) {
      if (i % 2 === 0) await s.inbox.add(received(`i${i}`, 'did:a', `t${i % 3}`))
      else await s.outbox.add(sent(`o${i}`, 'did:b', `t${i % 3}`))
    }
    const before = await snapshot(s.threads)
    await store.db.sublevel('threads').clear()
    await store.close()
    store = await openStore(dir)
    s = await open(store)
    expect(s.indexed).toBe(1_200)
    const after = await snapshot(s.threads)
    expect(after.map((t) => [t.id, t.count, t.peers])).toEqual(before.map((t) => [t.id, t.count, t.peers]))
    expect((await s.threads.entries('t0', 0, 1_000)).length).toBe(400)
    await store.close()
  })
})
