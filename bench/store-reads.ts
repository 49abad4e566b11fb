// Reads through the stores: what checking every stored value (typed repositories) costs.
//
//   node bench/store-reads.ts [checkout]     (default: this checkout; pass another to compare)
//
// Writes 20,000 inbox messages and 5,000 tasks with events, then times full listings, reads by id
// and the startup scan of the inbox. Prints the figures; asserts nothing.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const root = resolve(process.argv[2] ?? join(import.meta.dirname, '..'))
// biome-ignore lint/suspicious/noExplicitAny: modules of the checkout under test, loaded at run time
const load = (path: string): Promise<any> => import(join(root, 'daemon', path))
const { openStore } = await load('store/store.ts')
const { openThreadIndex } = await load('messaging/thread-index.ts')
const { openInboxStore } = await load('messaging/inbox-store.ts')
const { openTaskStore } = await load('tasks/task-store.ts')

const MESSAGES = 20_000
const TASKS = 5_000
const dir = mkdtempSync(join(tmpdir(), 'mm-bench-store-'))

async function time(label: string, runs: number, fn: () => Promise<unknown>): Promise<void> {
  await fn()
  const start = performance.now()
  for (let i = 0; i < runs; i++) await fn()
  console.log(`${label.padEnd(44)} ${((performance.now() - start) / runs).toFixed(1).padStart(8)} ms`)
}

try {
  let store = await openStore(dir)
  let threads = await openThreadIndex(store)
  let inbox = await openInboxStore(store, threads)
  for (let i = 0; i < MESSAGES; i++)
    await inbox.add({
      id: `msg_${i}`,
      from: `did:key:z6Mk${i % 50}`,
      to: 'did:key:z6MkMe',
      createdAtMs: i,
      expiresAtMs: i + 1e9,
      contextId: '',
      threadId: '',
      replyTo: '',
      body: 'aGVsbG8gd29ybGQ='.repeat(8),
      receivedAtMs: i,
      read: false,
      acked: false,
    })
  const tasks = await openTaskStore(store)
  for (let i = 0; i < TASKS; i++) {
    const order = tasks.nextOrder()
    const task = {
      id: `task_${i}`,
      role: 'requester',
      requester: 'did:key:z6MkMe',
      assignee: `did:key:z6Mk${i % 50}`,
      skill: 'translate',
      input: ['CgRoaQ=='],
      output: ['CgRoaQ=='],
      statusMessage: [],
      state: 5,
      idempotencyKey: '',
      metadata: {},
      maxPrice: '0',
      price: '0',
      createdAtMs: i,
      updatedAtMs: i,
      deadlineMs: i + 1e6,
      lastSequence: 2,
      contextId: '',
      attempts: 1,
      order,
      remoteSequence: 0,
    }
    const events = [1, 2].map((sequence) => ({
      taskId: task.id,
      sequence,
      kind: 1,
      state: 5,
      parts: [],
      progress: 0,
      note: '',
      createdAtMs: i,
    }))
    await store.commit(tasks.ops(task, events, true))
  }
  await store.close()

  console.log(`store reads of ${root}`)
  await time(`open the inbox (scan of ${MESSAGES} messages)`, 5, async () => {
    store = await openStore(dir)
    threads = await openThreadIndex(store)
    inbox = await openInboxStore(store, threads)
    await store.close()
  })
  store = await openStore(dir)
  threads = await openThreadIndex(store)
  inbox = await openInboxStore(store, threads)
  const taskStore = await openTaskStore(store)
  await time(`list ${MESSAGES} inbox messages`, 5, () => inbox.list({}, 0, MESSAGES))
  const seqs = Array.from({ length: 1000 }, (_, i) => i * 20 + 1)
  await time('getManyBySeq, 1000 inbox messages', 20, () => inbox.getManyBySeq(seqs))
  await time(`list ${TASKS} tasks (newest first)`, 5, () => taskStore.list({ states: new Set() }, 0, TASKS))
  await time('events of 1000 tasks', 5, async () => {
    for (let i = 0; i < 1000; i++) await taskStore.events(`task_${i}`, 0, 10)
  })
  await store.close()
} finally {
  rmSync(dir, { recursive: true, force: true })
}
