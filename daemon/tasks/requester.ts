// The requester side: create a task (stored here and offered to the assignee in one batch), cancel
// it, and answer its questions. The assignee's events come back through inbound.ts.

import { newId } from '../common/ids.ts'
import { failedPrecondition, invalidArgument } from '../errors/moltmesh-error.ts'
import type { Identity } from '../identity/identity.ts'
import type { Ledger } from '../ledger/ledger.ts'
import { validateParts } from '../messaging/validate-parts.ts'
import type { PaymentQuote } from '../wire/gen/moltmesh/wire/v1/ledger.ts'
import { MessageBody } from '../wire/gen/moltmesh/wire/v1/messaging.ts'
import { TaskEventKind, TaskState } from '../wire/gen/moltmesh/wire/v1/tasks.ts'
import { encodeParts, type Part } from './parts-codec.ts'
import type { TaskRecord } from './records.ts'
import { isTerminal } from './state-machine.ts'
import type { TaskArtifacts } from './task-artifacts.ts'
import { mustGet, statusEvent, transition } from './task-changes.ts'
import type { TaskEngine } from './task-engine.ts'
import type { TaskStore } from './task-store.ts'

export interface RequesterComponents {
  identity: Identity
  engine: TaskEngine
  tasks: TaskStore
  /** A DID or claimed name -> DID. */
  resolveTarget: (value: string) => Promise<string>
  /** The best-ranked agent offering a capability (throws when none is found). */
  findAssignee: (capability: string, timeoutMs: number) => Promise<string>
  maxFrameBytes: number
  defaultTimeoutMs: number
  artifacts: TaskArtifacts
  ledger: Pick<Ledger, 'authorize'>
}

export interface CreateInput {
  to: string
  capability: string
  skill: string
  input: Part[]
  idempotencyKey: string
  timeoutMs: number
  maxPrice: string
  metadata: Record<string, string>
  contextId: string
  /** Accepts this payment-required quote from an earlier refusal (signed here as the requester). */
  payment?: PaymentQuote
}

const MAX_TIMEOUT_MS = 30 * 24 * 3600 * 1000
const MAX_SKILL_LENGTH = 256
const MAX_IDEMPOTENCY_KEY_LENGTH = 256
/** How long a capability lookup may take inside CreateTask. */
const FIND_TIMEOUT_MS = 10_000

export function createRequester(c: RequesterComponents) {
  function checkInput(input: CreateInput): void {
    if (input.to.trim() === '' && input.capability.trim() === '')
      throw invalidArgument('INVALID_ARGUMENT', 'set `to` (a DID or name) or `capability`')
    if (input.skill.length > MAX_SKILL_LENGTH)
      throw invalidArgument('INVALID_ARGUMENT', `skill is at most ${MAX_SKILL_LENGTH} characters`)
    if (input.idempotencyKey.length > MAX_IDEMPOTENCY_KEY_LENGTH)
      throw invalidArgument(
        'INVALID_ARGUMENT',
        `idempotency_key is at most ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`,
      )
    if (input.timeoutMs < 0 || input.timeoutMs > MAX_TIMEOUT_MS)
      throw invalidArgument(
        'INVALID_ARGUMENT',
        `timeout_ms must be between 0 (default) and ${MAX_TIMEOUT_MS}`,
      )
    validateParts(input.input)
  }

  async function create(input: CreateInput): Promise<{ task: TaskRecord; existing: boolean }> {
    checkInput(input)
    // The same key always gives the same task, even for concurrent calls.
    const key = input.idempotencyKey
    return c.engine.lock(key === '' ? newId('nokey') : `key:${key}`, async () => {
      if (key !== '') {
        const existing = await c.tasks.byIdempotencyKey(key)
        if (existing != null) return { task: existing, existing: true }
      }
      const assignee =
        input.to.trim() !== ''
          ? await c.resolveTarget(input.to)
          : await c.findAssignee(input.capability, FIND_TIMEOUT_MS)
      if (assignee === c.identity.did)
        throw invalidArgument(
          'SELF_TARGET',
          'cannot delegate a task to yourself: run a worker on another daemon',
        )
      const skill = input.skill.trim() !== '' ? input.skill.trim() : input.capability.trim()
      if (skill === '') throw invalidArgument('INVALID_ARGUMENT', 'skill is required')
      const now = Date.now()
      const deadlineMs = now + (input.timeoutMs > 0 ? input.timeoutMs : c.defaultTimeoutMs)
      const id = newId('task', now)
      const parts = await c.artifacts.outgoing(input.input, `task:${id}`)
      const task: TaskRecord = {
        id,
        role: 'requester',
        requester: c.identity.did,
        assignee,
        skill,
        input: encodeParts(parts),
        output: [],
        statusMessage: [],
        state: TaskState.TASK_STATE_SUBMITTED,
        idempotencyKey: key,
        metadata: input.metadata,
        maxPrice: input.maxPrice,
        price: '',
        createdAtMs: now,
        updatedAtMs: now,
        deadlineMs,
        lastSequence: 0,
        contextId: input.contextId,
        attempts: 0,
        order: c.tasks.nextOrder(),
        remoteSequence: 0,
      }
      const payment = input.payment != null ? await c.ledger.authorize(input.payment) : undefined
      const offer = {
        payment,
        taskId: task.id,
        skill,
        input: parts,
        deadlineMs,
        maxPrice: input.maxPrice,
        metadata: input.metadata,
        contextId: input.contextId,
        createdAtMs: now,
      }
      const size = MessageBody.encode(MessageBody.fromPartial({ task: { offer } })).finish().length
      if (size > c.maxFrameBytes)
        throw invalidArgument(
          'PAYLOAD_TOO_LARGE',
          `task input is ${size} bytes; the limit is ${c.maxFrameBytes} (send large content as an artifact)`,
        )
      const { task: stored } = await c.engine.commit({
        task,
        isNew: true,
        events: [statusEvent(TaskState.TASK_STATE_SUBMITTED)],
        frames: [{ offer }],
      })
      return { task: stored, existing: false }
    })
  }

  return {
    create,

    async cancel(id: string, reason: string): Promise<TaskRecord> {
      return c.engine.lock(id, async () => {
        const task = await mustGet(c.tasks, id, 'requester')
        const change = transition(task, TaskState.TASK_STATE_CANCELED, {
          error: { reason: 'CANCELED', message: reason || 'canceled by the requester' },
          lease: undefined,
        })
        return (await c.engine.commit({ ...change, frames: [{ cancel: { taskId: id, reason } }] })).task
      })
    },

    async sendInput(id: string, parts: Part[]): Promise<TaskRecord> {
      validateParts(parts)
      return c.engine.lock(id, async () => {
        const task = await mustGet(c.tasks, id, 'requester')
        if (task.state !== TaskState.TASK_STATE_INPUT_REQUIRED)
          throw failedPrecondition(
            isTerminal(task.state) ? 'TASK_TERMINAL' : 'INPUT_NOT_REQUIRED',
            `task ${id} is not waiting for input`,
          )
        const answer = await c.artifacts.outgoing(parts, `task:${id}`)
        const event = {
          kind: TaskEventKind.TASK_EVENT_KIND_INPUT,
          parts: encodeParts(answer),
          progress: 0,
          note: '',
        }
        // WORKING here at once (the assignee's own WORKING follows): a WaitTask right after the
        // answer must wait for the work, not return at once with the question already answered.
        return (
          await c.engine.commit({
            task: { ...task, state: TaskState.TASK_STATE_WORKING, statusMessage: [] },
            events: [event],
            frames: [{ input: { taskId: id, input: answer } }],
          })
        ).task
      })
    },
  }
}

export type Requester = ReturnType<typeof createRequester>
