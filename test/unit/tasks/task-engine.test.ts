// The task engine with stubbed components: per-task locks, sequence numbering, frames queued with the
// change in one write, nothing announced when the write fails, and the frame size limit.
import { generateKeyPair } from '@libp2p/crypto/keys'
import { describe, expect, it } from 'vitest'
import { createEventBus } from '../../../daemon/events/event-bus.ts'
import { createIdentity } from '../../../daemon/identity/identity.ts'
import { silentLogger } from '../../../daemon/log/logger.ts'
import { signOutbound } from '../../../daemon/messaging/outbound.ts'
import type { OutboxStore } from '../../../daemon/messaging/outbox-store.ts'
import type { Store, StoreOp } from '../../../daemon/store/store.ts'
import { encodeParts } from '../../../daemon/tasks/parts-codec.ts'
import type { TaskRecord } from '../../../daemon/tasks/records.ts'
import { statusEvent } from '../../../daemon/tasks/task-changes.ts'
import { createTaskEngine } from '../../../daemon/tasks/task-engine.ts'
import type { TaskStore } from '../../../daemon/tasks/task-store.ts'
import { TaskEventKind, TaskState } from '../../../daemon/wire/gen/moltmesh/wire/v1/tasks.ts'

const S = TaskState

async function engineWith(options: { failCommit?: boolean; maxFrameBytes?: number } = {}) {
  const identity = createIdentity(await generateKeyPair('Ed25519'))
  const committed: StoreOp[][] = []
  const kicks: string[] = []
  const queued: string[] = []
  const tag = (key: string): StoreOp => ({ type: 'del', key, sublevel: undefined as never })
  const store = {
    commit: async (ops: StoreOp[]) => {
      if (options.failCommit) throw new Error('disk full')
      committed.push(ops)
    },
  } as unknown as Store
  const tasks = {
    ops: (task: TaskRecord, events: Array<{ sequence: number }>) => [
      tag(`task ${task.id} @${task.lastSequence}`),
      ...events.map((e) => tag(`event ${e.sequence}`)),
    ],
    committed: () => undefined,
  } as unknown as TaskStore
  const outbox = {
    prepare: (record: { to: string; channel?: string }) => {
      queued.push(`${record.channel}->${record.to}`)
      return { full: record, ops: [tag(`frame to ${record.to}`)] }
    },
  } as unknown as OutboxStore
  const events = createEventBus()
  const announced: string[] = []
  events.subscribe((e) => announced.push(e.type))
  const engine = createTaskEngine({
    signFrame: (input) => signOutbound(identity, { ...input, channel: { name: 'task', idPrefix: 'tfr' } }),
    store,
    tasks,
    outbox,
    kick: (did) => kicks.push(did),
    events,
    logger: silentLogger(),
    maxFrameBytes: options.maxFrameBytes ?? 64 * 1024,
    ledgerOps: (task) => (task.state === S.TASK_STATE_FAILED ? [tag('release')] : []),
  })
  return { engine, committed, kicks, queued, announced, identity }
}

const task = (patch: Partial<TaskRecord> = {}): TaskRecord => ({
  id: 'task_00000000000000000000000001',
  role: 'assignee',
  requester: 'did:key:requester',
  assignee: 'did:key:assignee',
  skill: 'echo',
  input: [],
  output: [],
  statusMessage: [],
  state: S.TASK_STATE_SUBMITTED,
  idempotencyKey: '',
  metadata: {},
  maxPrice: '',
  price: '',
  createdAtMs: 0,
  updatedAtMs: 0,
  deadlineMs: Date.now() + 60_000,
  lastSequence: 0,
  contextId: '',
  attempts: 0,
  order: 1,
  remoteSequence: 0,
  ...patch,
})

describe('task engine', () => {
  it('runs calls for one key one at a time, in call order, and other keys alongside', async () => {
    const { engine } = await engineWith()
    const log: string[] = []
    let release: () => void = () => {}
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    const first = engine.lock('t1', async () => {
      log.push('t1 first start')
      await gate
      log.push('t1 first end')
    })
    const second = engine.lock('t1', async () => log.push('t1 second'))
    const other = engine.lock('t2', async () => log.push('t2'))
    await other
    expect(log).toEqual(['t1 first start', 't2'])
    release()
    await Promise.all([first, second])
    expect(log).toEqual(['t1 first start', 't2', 't1 first end', 't1 second'])
  })

  it('keeps the queue going after a call that throws', async () => {
    const { engine } = await engineWith()
    const failed = engine.lock('t', async () => {
      throw new Error('boom')
    })
    const next = engine.lock('t', async () => 'ran')
    await expect(failed).rejects.toThrow('boom')
    expect(await next).toBe('ran')
  })

  it('numbers new events after the last one and forwards assignee events to the requester in one write', async () => {
    const { engine, committed, kicks, queued, announced } = await engineWith()
    const base = task({ state: S.TASK_STATE_WORKING, lastSequence: 4 })
    const progress = { kind: TaskEventKind.TASK_EVENT_KIND_PROGRESS, parts: [], progress: 0.5, note: '' }
    const { task: next, events } = await engine.commit({
      task: { ...base, state: S.TASK_STATE_FAILED },
      events: [progress, statusEvent(S.TASK_STATE_FAILED)],
    })
    expect(events.map((e) => e.sequence)).toEqual([5, 6])
    expect(next.lastSequence).toBe(6)
    // One batch: the task, its events, the ledger's release and one frame per forwarded event.
    expect(committed).toHaveLength(1)
    expect(committed[0]?.map((op) => op.key)).toEqual([
      'task task_00000000000000000000000001 @6',
      'event 5',
      'event 6',
      'release',
      'frame to did:key:requester',
      'frame to did:key:requester',
    ])
    expect(queued).toEqual(['task->did:key:requester', 'task->did:key:requester'])
    expect(kicks).toEqual(['did:key:requester'])
    expect(announced).toEqual(['task.updated', 'task.failed'])
  })

  it('announces nothing and queues nothing visible when the write fails', async () => {
    const { engine, kicks, announced } = await engineWith({ failCommit: true })
    const seen: unknown[] = []
    engine.changes.on('task', (t) => seen.push(t))
    await expect(
      engine.commit({ task: task(), isNew: true, events: [statusEvent(S.TASK_STATE_SUBMITTED)] }),
    ).rejects.toThrow('disk full')
    expect(seen).toEqual([])
    expect(kicks).toEqual([])
    expect(announced).toEqual([])
  })

  it('does not forward the SUBMITTED that accepts an offer, and requester changes send only explicit frames', async () => {
    const { engine, queued, announced } = await engineWith()
    await engine.commit({ task: task(), isNew: true, events: [statusEvent(S.TASK_STATE_SUBMITTED)] })
    expect(queued).toEqual([])
    await engine.commit({
      task: task({ role: 'requester', id: 'task_00000000000000000000000002' }),
      isNew: true,
      events: [statusEvent(S.TASK_STATE_SUBMITTED)],
      frames: [{ cancel: { taskId: 'task_00000000000000000000000002', reason: '' } }],
    })
    expect(queued).toEqual(['task->did:key:assignee'])
    expect(announced).toEqual(['task.created', 'task.created'])
  })

  it('refuses a change whose frame is larger than the peer accepts, before writing anything', async () => {
    const { engine, committed } = await engineWith({ maxFrameBytes: 200 })
    const big = {
      kind: TaskEventKind.TASK_EVENT_KIND_CHUNK,
      parts: encodeParts([{ text: 'x'.repeat(400), mediaType: '', metadata: {} }]),
      progress: 0,
      note: '',
    }
    await expect(
      engine.commit({ task: task({ state: S.TASK_STATE_WORKING }), events: [big] }),
    ).rejects.toMatchObject({ reason: 'PAYLOAD_TOO_LARGE' })
    expect(committed).toEqual([])
  })
})
