// Applies task changes: one lock per task, sequence numbers for new events, and one atomic batch
// with the task, its events and the frames for the counterparty (queued in the messaging outbox,
// delivered with its retries). Then it tells local listeners (streams, waiters, workers, timers) and
// the daemon event bus.
//
// Who numbers what: each daemon numbers the events of its own copy of a task. The assignee's copy is
// the source of truth for the work; every assignee event except INPUT (which the requester wrote
// first) is forwarded to the requester as a TaskUpdate carrying the assignee's sequence, which the
// requester uses to drop repeats.

import { EventEmitter } from 'node:events'
import { createKeyedLock } from '../common/keyed-lock.ts'
import { invalidArgument } from '../errors/moltmesh-error.ts'
import type { EventBus } from '../events/event-bus.ts'
import type { Logger } from '../log/logger.ts'
import { hop } from '../messaging/hop-trace.ts'
import type { FrameSigner } from '../messaging/outbound.ts'
import type { OutboxStore } from '../messaging/outbox-store.ts'
import type { Store, StoreOp } from '../store/store.ts'
import type { Receipt } from '../wire/gen/moltmesh/wire/v1/ledger.ts'
import { MessageBody } from '../wire/gen/moltmesh/wire/v1/messaging.ts'
import type { TaskFrame } from '../wire/gen/moltmesh/wire/v1/tasks.ts'
import { TaskEventKind, TaskState } from '../wire/gen/moltmesh/wire/v1/tasks.ts'
import { decodeParts } from './parts-codec.ts'
import type { TaskEventRecord, TaskRecord } from './records.ts'
import { isTerminal, stateName } from './state-machine.ts'
import type { TaskStore } from './task-store.ts'

export interface EngineComponents {
  /** Signs a frame on the task channel (messaging.signFrame('task', …)). */
  signFrame: FrameSigner
  store: Store
  tasks: TaskStore
  outbox: OutboxStore
  /** Starts delivery of queued frames to a peer. */
  kick: (did: string) => void
  events: EventBus
  logger: Logger
  /** Largest frame body the peer accepts (the messaging payload limit). */
  maxFrameBytes: number
  /** Ledger writes that follow from a task change (e.g. a released reservation). */
  ledgerOps: (task: TaskRecord) => StoreOp[]
}

export type NewEvent = Omit<TaskEventRecord, 'taskId' | 'sequence' | 'createdAtMs'>

export interface Change {
  task: TaskRecord
  isNew?: boolean
  events: NewEvent[]
  /** Frames for the counterparty besides the forwarded assignee events. */
  frames?: TaskFrame[]
  /** Writes of other subsystems (the ledger) that belong to this change. */
  extraOps?: StoreOp[]
  /** For a priced COMPLETED: the provider-signed receipt, sent with the COMPLETED update. */
  receipt?: Receipt
  /**
   * Start the delivery of this change's frames only with the peer's next frame, or after this many
   * ms at the latest (see CLAIM_FRAME_DELAY_MS in worker.ts). They are stored with the change either way.
   */
  deliverWithinMs?: number
}

/** Settlement documents wait for the peer as long as messages do by default. */
const LEDGER_FRAME_TTL_MS = 72 * 3600_000
/** How long a frame may wait in the outbox after the task's deadline has passed. */
const FRAME_GRACE_MS = 3600_000

export function createTaskEngine(c: EngineComponents) {
  /** `task:<id>` -> (task, events) after each commit; `task` -> task for any change. */
  const changes = new EventEmitter()
  changes.setMaxListeners(0)

  /** Runs `fn` after every earlier call for the same key has finished (per-task serialisation). */
  const lock = createKeyedLock()

  // Peers with stored frames waiting for a delivery that starts at the latest when the timer fires;
  // any earlier kick for the peer (its next frame) takes them along, in order, in the same window.
  const pendingKicks = new Map<string, NodeJS.Timeout>()
  function kickWithin(to: string, ms: number): void {
    if (pendingKicks.has(to)) return
    const timer = setTimeout(() => {
      pendingKicks.delete(to)
      c.kick(to)
    }, ms)
    timer.unref()
    pendingKicks.set(to, timer)
  }

  function counterparty(task: TaskRecord): string {
    return task.role === 'requester' ? task.assignee : task.requester
  }

  function updateFrame(task: TaskRecord, e: TaskEventRecord, receipt?: Receipt): TaskFrame {
    const status = e.kind === TaskEventKind.TASK_EVENT_KIND_STATUS
    return {
      update: {
        taskId: task.id,
        sequence: e.sequence,
        kind: e.kind,
        state: e.state ?? 0,
        parts: decodeParts(e.parts),
        progress: e.progress,
        note: e.note,
        error:
          e.error != null
            ? { reason: e.error.reason, message: e.error.message, quote: e.error.quote }
            : undefined,
        output: status && e.state === TaskState.TASK_STATE_COMPLETED ? decodeParts(task.output) : [],
        price: task.price,
        attempts: task.attempts,
        createdAtMs: e.createdAtMs,
        receipt: status && e.state === TaskState.TASK_STATE_COMPLETED ? receipt : undefined,
      },
    }
  }

  /**
   * Assignee events the requester needs: not INPUT (the requester wrote it first), and not the
   * SUBMITTED that accepts an offer (the requester's copy starts there; one frame less per task).
   */
  function forwarded(e: TaskEventRecord, isNew: boolean): boolean {
    if (e.kind === TaskEventKind.TASK_EVENT_KIND_INPUT) return false
    return !(isNew && e.state === TaskState.TASK_STATE_SUBMITTED)
  }

  async function commit(change: Change): Promise<{ task: TaskRecord; events: TaskEventRecord[] }> {
    const now = Date.now()
    let sequence = change.task.lastSequence
    const events: TaskEventRecord[] = change.events.map((e) => ({
      ...e,
      taskId: change.task.id,
      sequence: ++sequence,
      createdAtMs: now,
    }))
    const task: TaskRecord = { ...change.task, lastSequence: sequence, updatedAtMs: now }
    const ops: StoreOp[] = [
      ...c.tasks.ops(task, events, change.isNew === true),
      ...(change.extraOps ?? []),
      ...c.ledgerOps(task),
    ]
    const frames = [...(change.frames ?? [])]
    if (task.role === 'assignee')
      for (const e of events)
        if (forwarded(e, change.isNew === true)) frames.push(updateFrame(task, e, change.receipt))
    const to = counterparty(task)
    for (const frame of frames) {
      const body = MessageBody.encode(
        MessageBody.fromPartial({ task: frame, contextId: task.contextId }),
      ).finish()
      if (body.length > c.maxFrameBytes)
        throw invalidArgument(
          'PAYLOAD_TOO_LARGE',
          `this task update is ${body.length} bytes; the limit is ${c.maxFrameBytes} (send large content as artifacts)`,
        )
      const record = await c.signFrame({
        to,
        body,
        ttlMs: Math.max(0, task.deadlineMs - now) + FRAME_GRACE_MS,
        contextId: task.contextId,
        threadId: '',
        replyTo: '',
        idempotencyKey: '',
      })
      ops.push(...c.outbox.prepare(record).ops)
      hop?.('frame.queued', `${record.id} ${task.id}`)
    }
    hop?.('commit.start', `${task.id} ${task.role} ${task.state}`)
    await c.store.commit(ops)
    c.tasks.committed(task)
    hop?.('commit.done', `${task.id} ${task.role} ${task.state}`)
    if (frames.length > 0) {
      if (change.deliverWithinMs != null) kickWithin(to, change.deliverWithinMs)
      else {
        clearTimeout(pendingKicks.get(to))
        pendingKicks.delete(to)
        c.kick(to)
      }
    }
    changes.emit(`task:${task.id}`, task, events)
    changes.emit('task', task)
    announce(change, task)
    return { task, events }
  }

  function announce(change: Change, task: TaskRecord): void {
    if (change.isNew) c.events.emit('task.created', { task })
    const stateChanged =
      change.isNew || change.events.some((e) => e.kind === TaskEventKind.TASK_EVENT_KIND_STATUS)
    if (!stateChanged) return
    // A task stored already claimed at its admission (SUBMITTED, then WORKING) was also updated.
    if (!change.isNew || change.events.length > 1) c.events.emit('task.updated', { task })
    if (isTerminal(task.state)) {
      const type = `task.${stateName(task.state).toLowerCase()}` as
        | 'task.completed'
        | 'task.failed'
        | 'task.canceled'
        | 'task.rejected'
      c.events.emit(type, { task })
      c.logger.debug({ task: task.id, role: task.role, state: stateName(task.state) }, 'task finished')
    }
  }

  return {
    lock,
    commit,
    /** Writes that belong to no task change (ledger answers), in one batch. */
    commitOps: (ops: StoreOp[]) => c.store.commit(ops),
    /** Queues a frame to a peer outside any task (e.g. a settlement), persisted with `ops`. */
    async send(to: string, frame: TaskFrame, ops: StoreOp[] = []): Promise<void> {
      const body = MessageBody.encode(MessageBody.fromPartial({ task: frame })).finish()
      const record = await c.signFrame({
        to,
        body,
        ttlMs: LEDGER_FRAME_TTL_MS,
        contextId: '',
        threadId: '',
        replyTo: '',
        idempotencyKey: '',
      })
      await c.store.commit([...ops, ...c.outbox.prepare(record).ops])
      c.kick(to)
    },
    changes,
  }
}

export type TaskEngine = ReturnType<typeof createTaskEngine>
