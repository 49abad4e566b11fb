// Task frames from peers (they arrive in verified envelopes whose sender is the authenticated peer).
// Offers become assignee tasks after the skill checks; updates are applied to requester tasks in the
// assignee's order, repeats dropped; cancels and answers are applied to assignee tasks. Every frame
// is checked against the task's parties, so a peer can only touch tasks it is part of.

import type { LocalSkill } from '../cards/local-card.ts'
import type { Ledger } from '../ledger/ledger.ts'
import type { Logger } from '../log/logger.ts'
import type { ChannelSpec, FrameOutcome } from '../messaging/channels.ts'
import type { StoreOp } from '../store/store.ts'
import type { Receipt, Settlement } from '../wire/gen/moltmesh/wire/v1/ledger.ts'
import type {
  TaskCancel,
  TaskFrame,
  TaskInput,
  TaskOffer,
  TaskUpdate,
} from '../wire/gen/moltmesh/wire/v1/tasks.ts'
import { TaskEventKind, TaskState, taskStateToJSON } from '../wire/gen/moltmesh/wire/v1/tasks.ts'
import type { AdmissionClaim } from './claimed-offers.ts'
import type { InputValidator } from './input-validator.ts'
import type { OpenTaskQuota } from './open-task-quota.ts'
import { encodeParts } from './parts-codec.ts'
import type { StoredError, TaskRecord } from './records.ts'
import { checkOffer } from './skill-check.ts'
import { canTransition, isTerminal } from './state-machine.ts'
import type { TaskArtifacts } from './task-artifacts.ts'
import { statusEvent } from './task-changes.ts'
import type { NewEvent, TaskEngine } from './task-engine.ts'
import type { TaskStore } from './task-store.ts'
import { CLAIM_FRAME_DELAY_MS, claimPatch } from './worker.ts'

export interface InboundComponents {
  selfDid: string
  engine: TaskEngine
  tasks: TaskStore
  localSkill: (id: string) => LocalSkill | undefined
  logger: Logger
  artifacts: TaskArtifacts
  ledger: Pick<Ledger, 'parsePrice' | 'admit' | 'countersign' | 'receiptAnswer' | 'settlementFrame'>
  quota: Pick<OpenTaskQuota, 'tryTake' | 'release'>
  maxOpenPerRequester: number
  /** Checks inputs against skill schemas off the event loop, within a time budget. */
  validator: InputValidator
  /** A pre-claiming subscription waiting for a task of this skill, if any (claimed-offers.ts). */
  takeAtAdmission?: (skill: string) => AdmissionClaim | undefined
}

type Outcome = FrameOutcome

const TASK_ID = /^task_[0-9a-z]{26}$/
const STORED: Outcome = { status: 'stored' }
const DUPLICATE: Outcome = { status: 'duplicate' }
const MAX_METADATA_ENTRIES = 64

/**
 * The ordering key of a task frame (channels.ts): its task, for the frames that write nothing but
 * their task. Frames of different tasks are then handled side by side. Frames that may move a credit
 * account have none and keep the stream's order, as before: an account's stored state is written
 * whole with each change (ledger/book.ts), so two such changes must reach the disk in the order they
 * were made. Those are settlements and receipt answers, a COMPLETED update with a receipt, a priced
 * offer (it reserves) and a cancel (it may give a reservation back).
 */
export function taskFrameKey(frame: TaskFrame): string | undefined {
  if (frame.offer != null) return frame.offer.maxPrice === '' ? frame.offer.taskId : undefined
  if (frame.update != null) return frame.update.receipt == null ? frame.update.taskId : undefined
  if (frame.input != null) return frame.input.taskId
  return undefined
}

export function createInbound(c: InboundComponents) {
  async function offer(from: string, o: TaskOffer): Promise<Outcome> {
    if (Object.keys(o.metadata).length > MAX_METADATA_ENTRIES || o.skill.length > 256 || o.input.length === 0)
      return { status: 'rejected', reason: 'MALFORMED', detail: 'bad task offer' }
    const existing = await c.tasks.get(o.taskId)
    if (existing != null) {
      // The requester's retry of an offer we already stored; anything else is an id collision.
      if (existing.role === 'assignee' && existing.requester === from) return DUPLICATE
      return { status: 'rejected', reason: 'TASK_ID_CONFLICT', detail: o.taskId }
    }
    // Taken before any await, so concurrent offers of one requester cannot all pass it.
    const placed = c.quota.tryTake(from, o.taskId)
    try {
      const refusal: StoredError | undefined = placed
        ? await checkOffer(c.validator, c.localSkill(o.skill), o.skill, from, o.input, o.maxPrice)
        : {
            reason: 'TOO_MANY_OPEN_TASKS',
            message: `this agent already has ${c.maxOpenPerRequester} open tasks here; wait for some to finish`,
          }
      return await admitOffer(from, o, refusal)
    } catch (err) {
      if (placed) c.quota.release(from, o.taskId)
      throw err
    }
  }

  async function admitOffer(from: string, o: TaskOffer, refusal: StoredError | undefined): Promise<Outcome> {
    const now = Date.now()
    const skill = c.localSkill(o.skill)
    let state: TaskState = TaskState.TASK_STATE_SUBMITTED
    let error: StoredError | undefined = refusal
    let ledgerOps: StoreOp[] = []
    if (refusal != null) state = TaskState.TASK_STATE_REJECTED
    else if (o.deadlineMs <= now) {
      state = TaskState.TASK_STATE_FAILED
      error = { reason: 'TIMEOUT', message: 'the task arrived after its deadline' }
    } else {
      // A priced skill: reserve the price within the requester's credit limit (atomic with admission).
      const price = c.ledger.parsePrice(skill?.price ?? '')
      if (price > 0n) {
        const admitted = await c.ledger.admit(from, price, o.taskId, o.payment)
        if ('refusal' in admitted) {
          state = TaskState.TASK_STATE_REJECTED
          error = admitted.refusal
        } else ledgerOps = admitted.ops
      }
    }
    const task: TaskRecord = {
      id: o.taskId,
      role: 'assignee',
      requester: from,
      assignee: c.selfDid,
      skill: o.skill,
      input: encodeParts(o.input),
      output: [],
      statusMessage: [],
      state,
      idempotencyKey: '',
      metadata: o.metadata,
      maxPrice: o.maxPrice,
      price: skill?.price ?? '',
      ...(error != null ? { error } : {}),
      createdAtMs: o.createdAtMs,
      updatedAtMs: now,
      deadlineMs: o.deadlineMs,
      lastSequence: 0,
      contextId: o.contextId,
      attempts: 0,
      order: c.tasks.nextOrder(),
      remoteSequence: 0,
    }
    if (error != null) c.logger.info({ task: task.id, from, reason: error.reason }, 'refused task')
    else await c.artifacts.incoming(o.input, from, `task:${o.taskId}`)
    const events = [statusEvent(state, { error })]
    // A worker subscription waiting for this skill: stored already claimed for it, in the same commit.
    const taker = state === TaskState.TASK_STATE_SUBMITTED ? c.takeAtAdmission?.(o.skill) : undefined
    if (taker == null) {
      await c.engine.commit({ task, isNew: true, events, extraOps: ledgerOps })
      return STORED
    }
    try {
      const claimed = claimedAtAdmission(task, taker.leaseMs)
      const stored = await c.engine.commit({
        task: claimed,
        isNew: true,
        events: [...events, statusEvent(TaskState.TASK_STATE_WORKING)],
        extraOps: ledgerOps,
        deliverWithinMs: CLAIM_FRAME_DELAY_MS,
      })
      taker.claimed(stored.task)
    } catch (err) {
      taker.dropped()
      throw err
    }
    return STORED
  }

  /** The admitted task as a claim (worker.ts claim) would leave it: WORKING with a lease. */
  function claimedAtAdmission(task: TaskRecord, leaseMs: number): TaskRecord {
    return { ...task, state: TaskState.TASK_STATE_WORKING, ...claimPatch(task, leaseMs) }
  }

  async function update(from: string, u: TaskUpdate): Promise<Outcome> {
    const task = await c.tasks.get(u.taskId)
    if (task == null || task.role !== 'requester' || task.assignee !== from)
      return { status: 'rejected', reason: 'TASK_NOT_FOUND', detail: u.taskId }
    if (u.sequence <= task.remoteSequence) return DUPLICATE
    const base: TaskRecord = {
      ...task,
      remoteSequence: u.sequence,
      price: u.price,
      attempts: Math.max(task.attempts, u.attempts),
    }
    // Terminal here is final: later news from the assignee is only counted (e.g. it finished the
    // work after we canceled or timed out). A receipt for such late work is answered with a dispute,
    // so neither book keeps it pending and the provider releases its reservation.
    if (isTerminal(task.state)) {
      if (u.state === TaskState.TASK_STATE_COMPLETED && u.receipt != null) {
        const refused = await c.ledger.countersign(
          task,
          u.receipt,
          encodeParts(u.output),
          `completed after the task ended here (${taskStateToJSON(task.state)})`,
        )
        await c.engine.commit({
          task: base,
          events: [],
          extraOps: refused.ops,
          frames: [{ receipt: refused.receipt }],
        })
        return STORED
      }
      await c.engine.commit({ task: base, events: [] })
      return STORED
    }
    await c.artifacts.incoming([...u.parts, ...u.output], from, `task:${u.taskId}`)
    const parts = encodeParts(u.parts)
    if (u.kind !== TaskEventKind.TASK_EVENT_KIND_STATUS) {
      const event: NewEvent = { kind: u.kind, parts, progress: u.progress, note: u.note }
      await c.engine.commit({ task: base, events: [event] })
      return STORED
    }
    if (u.state !== task.state && !canTransition(task.state, u.state)) {
      c.logger.warn(
        { task: task.id, from, state: u.state, current: task.state },
        'ignored illegal task update',
      )
      await c.engine.commit({ task: base, events: [] })
      return STORED
    }
    const error: StoredError | undefined =
      u.error != null && u.error.reason !== ''
        ? {
            reason: u.error.reason,
            message: u.error.message,
            ...(u.error.quote != null ? { quote: u.error.quote } : {}),
          }
        : undefined
    const next: TaskRecord = {
      ...base,
      state: u.state,
      ...(error != null ? { error } : {}),
      ...(u.state === TaskState.TASK_STATE_COMPLETED ? { output: encodeParts(u.output) } : {}),
      statusMessage:
        u.state === TaskState.TASK_STATE_INPUT_REQUIRED || u.state === TaskState.TASK_STATE_AUTH_REQUIRED
          ? parts
          : [],
    }
    // The assignee's first SUBMITTED repeats what we already know: no event for it.
    const repeat = u.state === task.state && parts.length === 0 && u.note === ''
    const events = repeat ? [] : [statusEvent(u.state, { parts, error, note: u.note })]
    // A priced result: check the provider's receipt, countersign (or dispute) and answer it.
    if (u.state === TaskState.TASK_STATE_COMPLETED && u.receipt != null) {
      const signed = await c.ledger.countersign(task, u.receipt, next.output)
      await c.engine.commit({
        task: next,
        events,
        extraOps: signed.ops,
        frames: [{ receipt: signed.receipt }],
      })
      return STORED
    }
    await c.engine.commit({ task: next, events })
    return STORED
  }

  /** Loads an assignee task that `from` requested. */
  async function ownTask(from: string, id: string): Promise<TaskRecord | Outcome> {
    const task = await c.tasks.get(id)
    if (task == null || task.role !== 'assignee' || task.requester !== from)
      return { status: 'rejected', reason: 'TASK_NOT_FOUND', detail: id }
    return task
  }

  async function cancel(from: string, m: TaskCancel): Promise<Outcome> {
    const task = await ownTask(from, m.taskId)
    if ('status' in task) return task
    if (isTerminal(task.state)) return DUPLICATE
    const error = { reason: 'CANCELED', message: m.reason || 'canceled by the requester' }
    const next: TaskRecord = { ...task, state: TaskState.TASK_STATE_CANCELED, error, lease: undefined }
    await c.engine.commit({ task: next, events: [statusEvent(TaskState.TASK_STATE_CANCELED, { error })] })
    return STORED
  }

  async function input(from: string, m: TaskInput): Promise<Outcome> {
    const task = await ownTask(from, m.taskId)
    if ('status' in task) return task
    // An answer that comes late (the task moved on) is kept out of the log.
    if (task.state !== TaskState.TASK_STATE_INPUT_REQUIRED) return DUPLICATE
    await c.artifacts.incoming(m.input, from, `task:${m.taskId}`)
    const parts = encodeParts(m.input)
    const events: NewEvent[] = [
      { kind: TaskEventKind.TASK_EVENT_KIND_INPUT, parts, progress: 0, note: '' },
      statusEvent(TaskState.TASK_STATE_WORKING),
    ]
    await c.engine.commit({
      task: { ...task, state: TaskState.TASK_STATE_WORKING, statusMessage: [] },
      events,
    })
    return STORED
  }

  /** Ledger documents riding on task frames: a receipt answer, a settlement proposal or answer. */
  async function ledgerFrame(from: string, receipt?: Receipt, settlement?: Settlement): Promise<Outcome> {
    const result =
      receipt != null
        ? await c.ledger.receiptAnswer(from, receipt)
        : await c.ledger.settlementFrame(from, settlement as Settlement)
    if (!Array.isArray(result)) return { status: 'rejected', reason: result.reason }
    if (result.length === 0) return DUPLICATE
    await c.engine.commitOps(result)
    return STORED
  }

  /** The handler of the 'task' channel (registered with messaging in tasks.ts start()). */
  const sink: ChannelSpec<'task'>['handle'] = async (from, frame) => {
    if (frame.settlement != null) {
      const s = frame.settlement
      if (!/^stl_[0-9a-z]{26}$/.test(s.id))
        return { status: 'rejected', reason: 'MALFORMED', detail: 'bad settlement' }
      return c.engine.lock(s.id, () => ledgerFrame(from, undefined, s))
    }
    const id =
      frame.offer?.taskId ??
      frame.update?.taskId ??
      frame.cancel?.taskId ??
      frame.input?.taskId ??
      frame.receipt?.taskId
    if (id == null || !TASK_ID.test(id))
      return { status: 'rejected', reason: 'MALFORMED', detail: 'bad task frame' }
    // Frames for one task are applied one at a time, in arrival order, with local calls interleaved.
    return c.engine.lock(id, async () => {
      if (frame.offer != null) return offer(from, frame.offer)
      if (frame.update != null) return update(from, frame.update)
      if (frame.cancel != null) return cancel(from, frame.cancel)
      if (frame.receipt != null) return ledgerFrame(from, frame.receipt)
      return input(from, frame.input as TaskInput)
    })
  }
  return { sink }
}
