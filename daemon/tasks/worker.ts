// The worker side (calls from the agent program behind the assignee daemon): claim a task for a lease,
// renew it, report state, stream events, and finish. Every call after the claim must present the
// lease token; a lease that runs out (timers.ts) puts the task back in line for another worker.

import { randomBytes } from 'node:crypto'
import { failedPrecondition, invalidArgument } from '../errors/moltmesh-error.ts'
import type { Ledger } from '../ledger/ledger.ts'
import { validateParts } from '../messaging/validate-parts.ts'
import { TaskEventKind, TaskState } from '../wire/gen/moltmesh/wire/v1/tasks.ts'
import { encodeParts, type Part } from './parts-codec.ts'
import type { StoredError, TaskRecord } from './records.ts'
import { isTerminal, stateName } from './state-machine.ts'
import type { TaskArtifacts } from './task-artifacts.ts'
import { mustGet, statusEvent, transition } from './task-changes.ts'
import type { TaskEngine } from './task-engine.ts'
import type { TaskStore } from './task-store.ts'

export interface WorkerComponents {
  engine: TaskEngine
  tasks: TaskStore
  defaultLeaseMs: number
  maxAttempts: number
  artifacts: TaskArtifacts
  ledger: Pick<Ledger, 'hasReservation' | 'issueReceipt' | 'parsePrice'>
}

/**
 * The WORKING update of a claim goes to the requester with the worker's next frame (a short task's
 * COMPLETED: one delivery round trip for both instead of the COMPLETED waiting behind the WORKING's
 * ack), or after this long at the latest. It is stored with the claim either way.
 */
export const CLAIM_FRAME_DELAY_MS = 25
const MAX_LEASE_MS = 3600_000
const MIN_LEASE_MS = 1_000
const EVENT_KINDS = new Set<number>([
  TaskEventKind.TASK_EVENT_KIND_CHUNK,
  TaskEventKind.TASK_EVENT_KIND_PROGRESS,
  TaskEventKind.TASK_EVENT_KIND_TOOL_CALL,
  TaskEventKind.TASK_EVENT_KIND_ARTIFACT,
])
const UPDATE_STATES = new Set<number>([
  TaskState.TASK_STATE_WORKING,
  TaskState.TASK_STATE_INPUT_REQUIRED,
  TaskState.TASK_STATE_AUTH_REQUIRED,
])

export function leaseLength(requested: number, fallback: number): number {
  if (requested < 0) throw invalidArgument('INVALID_ARGUMENT', 'lease_ms must not be negative')
  const ms = requested === 0 ? fallback : requested
  if (ms < MIN_LEASE_MS || ms > MAX_LEASE_MS)
    throw invalidArgument('INVALID_ARGUMENT', `lease_ms must be between ${MIN_LEASE_MS} and ${MAX_LEASE_MS}`)
  return ms
}

/** The task, if `token` is its current, unexpired lease. */
function checkLease(task: TaskRecord, token: string): void {
  if (isTerminal(task.state))
    throw failedPrecondition('TASK_TERMINAL', `task ${task.id} is already ${stateName(task.state)}`)
  if (task.lease == null || token === '' || task.lease.token !== token)
    throw failedPrecondition('LEASE_INVALID', `no lease with this token on task ${task.id} (claim it first)`)
  if (task.lease.expiresAtMs <= Date.now())
    throw failedPrecondition('LEASE_EXPIRED', `the lease on task ${task.id} has run out; claim it again`)
}

/** What a claim changes on a task: a new lease of `ms` and one more attempt (also claim at admission). */
export function claimPatch(task: TaskRecord, ms: number): Pick<TaskRecord, 'lease' | 'attempts'> {
  return {
    lease: { token: randomBytes(18).toString('base64url'), expiresAtMs: Date.now() + ms },
    attempts: task.attempts + 1,
  }
}

export function createWorker(c: WorkerComponents) {
  /** Loads an assignee task, checks the lease, applies `fn` under the task's lock. */
  function leased<T>(id: string, token: string, fn: (task: TaskRecord) => Promise<T>): Promise<T> {
    return c.engine.lock(id, async () => {
      const task = await mustGet(c.tasks, id, 'assignee')
      checkLease(task, token)
      return fn(task)
    })
  }

  async function finish(task: TaskRecord, state: TaskState, patch: Partial<TaskRecord>): Promise<TaskRecord> {
    return (await c.engine.commit(transition(task, state, { ...patch, lease: undefined }))).task
  }

  return {
    /**
     * `onClaimed` runs under the task's lock right after the claim is stored, before any other change
     * of the task can apply (a subscription that claims for its worker records its hold there).
     */
    async claim(id: string, leaseMs: number, onClaimed?: (task: TaskRecord) => void): Promise<TaskRecord> {
      const ms = leaseLength(leaseMs, c.defaultLeaseMs)
      return c.engine.lock(id, async () => {
        const task = await mustGet(c.tasks, id, 'assignee')
        if (task.state !== TaskState.TASK_STATE_SUBMITTED || task.lease != null) {
          if (isTerminal(task.state))
            throw failedPrecondition('TASK_TERMINAL', `task ${id} is already ${stateName(task.state)}`)
          throw failedPrecondition('TASK_ALREADY_CLAIMED', `task ${id} is claimed by another worker`)
        }
        const change = transition(task, TaskState.TASK_STATE_WORKING, claimPatch(task, ms))
        const claimed = (await c.engine.commit({ ...change, deliverWithinMs: CLAIM_FRAME_DELAY_MS })).task
        onClaimed?.(claimed)
        return claimed
      })
    },

    renew(id: string, token: string, leaseMs: number): Promise<TaskRecord> {
      const ms = leaseLength(leaseMs, c.defaultLeaseMs)
      return leased(id, token, async (task) => {
        const lease = { token, expiresAtMs: Date.now() + ms }
        return (await c.engine.commit({ task: { ...task, lease }, events: [] })).task
      })
    },

    update(id: string, token: string, state: TaskState, message: Part[]): Promise<TaskRecord> {
      if (!UPDATE_STATES.has(state))
        throw invalidArgument(
          'INVALID_ARGUMENT',
          'UpdateTask sets WORKING, INPUT_REQUIRED or AUTH_REQUIRED; use CompleteTask, FailTask or RejectTask to finish',
        )
      if (message.length > 0) validateParts(message)
      return leased(id, token, async (task) => {
        const parts = encodeParts(await c.artifacts.outgoing(message, `task:${id}`))
        if (state === task.state) {
          // A status note without a state change: a STATUS event repeating the state, with the message.
          const next = { ...task, statusMessage: parts }
          return (await c.engine.commit({ task: next, events: [statusEvent(state, { parts })] })).task
        }
        const change = transition(task, state, { statusMessage: parts }, { parts })
        return (await c.engine.commit(change)).task
      })
    },

    publish(
      id: string,
      token: string,
      event: { kind: TaskEventKind; parts: Part[]; progress: number; note: string },
    ): Promise<number> {
      if (!EVENT_KINDS.has(event.kind))
        throw invalidArgument('INVALID_ARGUMENT', 'kind must be CHUNK, PROGRESS, TOOL_CALL or ARTIFACT')
      if (event.parts.length > 0) validateParts(event.parts)
      if (
        event.kind === TaskEventKind.TASK_EVENT_KIND_PROGRESS &&
        !(event.progress >= 0 && event.progress <= 1)
      )
        throw invalidArgument('INVALID_ARGUMENT', 'progress must be between 0 and 1')
      if (event.kind !== TaskEventKind.TASK_EVENT_KIND_PROGRESS && event.parts.length === 0)
        throw invalidArgument('EMPTY_MESSAGE', 'a CHUNK, TOOL_CALL or ARTIFACT event needs at least one part')
      return leased(id, token, async (task) => {
        const { events } = await c.engine.commit({
          task,
          events: [
            { kind: event.kind, parts: encodeParts(event.parts), progress: event.progress, note: event.note },
          ],
        })
        return events[0]?.sequence ?? task.lastSequence
      })
    },

    complete(id: string, token: string, output: Part[]): Promise<TaskRecord> {
      if (output.length > 0) validateParts(output)
      return leased(id, token, async (task) => {
        const parts = encodeParts(await c.artifacts.outgoing(output, `task:${id}`))
        const change = transition(task, TaskState.TASK_STATE_COMPLETED, {
          output: parts,
          statusMessage: [],
          lease: undefined,
        })
        // A priced task: the provider signs a receipt that travels with the COMPLETED update.
        if (!c.ledger.hasReservation(id)) return (await c.engine.commit(change)).task
        const { receipt, ops } = await c.ledger.issueReceipt(change.task, c.ledger.parsePrice(task.price))
        return (await c.engine.commit({ ...change, extraOps: ops, receipt })).task
      })
    },

    fail(id: string, token: string, error: StoredError): Promise<TaskRecord> {
      const reason = error.reason.trim() === '' ? 'WORKER_FAILED' : error.reason.trim()
      if (!/^[A-Z][A-Z0-9_]{0,63}$/.test(reason))
        throw invalidArgument('INVALID_ARGUMENT', 'error.reason must be an UPPER_SNAKE_CASE code')
      return leased(id, token, (task) =>
        finish(task, TaskState.TASK_STATE_FAILED, { error: { reason, message: error.message } }),
      )
    },

    /** Refuses a task; a SUBMITTED task can be refused without claiming it. */
    reject(id: string, token: string, reason: string): Promise<TaskRecord> {
      return c.engine.lock(id, async () => {
        const task = await mustGet(c.tasks, id, 'assignee')
        if (task.state !== TaskState.TASK_STATE_SUBMITTED || task.lease != null) checkLease(task, token)
        return finish(task, TaskState.TASK_STATE_REJECTED, {
          error: { reason: 'REJECTED_BY_WORKER', message: reason || 'the worker refused the task' },
        })
      })
    },
  }
}

export type Worker = ReturnType<typeof createWorker>
