// The A2A 1.0 methods of one mesh agent, on top of the daemon's own client (the gateway is a client
// of the daemon like any SDK user, so every check and error of the gRPC API applies unchanged).
//
// A new message (no taskId) creates a mesh task to the agent. Its skill is, in order: the `skill` key
// of the message metadata, the `skill` key of the request metadata, the first skill of the agent's
// card that takes the message as it is (a skill without input schema when the message has no data
// part), the first skill of the card. A message with a taskId answers that task's INPUT_REQUIRED.
// The messageId is the task's idempotency key: a retried SendMessage returns the same task.

import { randomUUID } from 'node:crypto'
import type { DeepPartial } from '../../clients/ts/deep-partial.ts'
import type { AgentCard, Part, Task } from '../../clients/ts/gen/moltmesh/v1/types.ts'
import { TaskRole, TaskState } from '../../clients/ts/gen/moltmesh/v1/types.ts'
import { type Client, uploadStream } from '../../clients/ts/index.ts'
import { type A2aStreamResponse, INTERRUPTED_STATES, TERMINAL_STATES } from './a2a-types.ts'
import { acceptsOurOutput, MODES } from './card-map.ts'
import { A2aRpcError, invalidParams, RPC, toRpcError } from './json-rpc-errors.ts'
import { fromA2aParts } from './parts-map.ts'
import type { PushNotifications } from './push-notifications.ts'
import { toA2aState, toA2aTask, toStreamResponses } from './task-map.ts'

type Json = Record<string, unknown>
export interface MethodContext {
  /** The agent the request is addressed to (its verified card). */
  card: AgentCard
  signal: AbortSignal
  /** The request used a 0.3 method name. */
  legacy: boolean
}
export type UnaryMethod = (params: Json, ctx: MethodContext) => Promise<unknown>
export type StreamMethod = (params: Json, ctx: MethodContext) => AsyncIterable<A2aStreamResponse>

const MAX_MESSAGE_ID_LENGTH = 200
const MAX_PAGE_SIZE = 100

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined)
const isWaiting = (t: Task) => {
  const s = toA2aState(t.state)
  return TERMINAL_STATES.has(s) || INTERRUPTED_STATES.has(s)
}

export function createGatewayMethods(c: { client: Client; push: PushNotifications }) {
  const { client } = c
  /** messageId of an answered follow-up -> its task, so a retried answer is not an error. */
  const answered = new Map<string, string>()

  function chooseSkill(card: AgentCard, message: Json, params: Json, input: DeepPartial<Part>[]): string {
    const asked =
      str((message.metadata as Json | undefined)?.skill) ?? str((params.metadata as Json | undefined)?.skill)
    if (asked != null) {
      if (!card.skills.some((s) => s.id === asked))
        throw new A2aRpcError(RPC.INVALID_PARAMS, `agent has no skill "${asked}"`, {
          reason: 'SKILL_NOT_FOUND',
        })
      return asked
    }
    const hasData = input.some((p) => p.dataJson != null)
    const fitting = card.skills.find((s) => hasData || s.inputSchemaJson === '') ?? card.skills[0]
    if (fitting == null)
      throw new A2aRpcError(RPC.UNSUPPORTED_OPERATION, 'the agent offers no skill', {
        reason: 'SKILL_NOT_FOUND',
      })
    return fitting.id
  }

  async function upload(bytes: Buffer, name: string, mediaType: string) {
    return uploadStream(client, [bytes], { name, mediaType, size: bytes.length })
  }

  /** A task of this agent created through the gateway (requester side), else TaskNotFound. */
  async function ownTask(id: unknown, card: AgentCard): Promise<Task> {
    if (typeof id !== 'string' || id === '') throw invalidParams('id (task id) is required')
    let task: Task | undefined
    try {
      task = (await client.a2a.getTask({ id })).task
    } catch (err) {
      throw toRpcError(err)
    }
    if (task == null || task.assignee !== card.did || task.role !== TaskRole.TASK_ROLE_REQUESTER)
      throw new A2aRpcError(RPC.TASK_NOT_FOUND, `task ${id} not found`, { reason: 'TASK_NOT_FOUND' })
    return task
  }

  /** Creates the task or answers it; returns it as it is right after. */
  async function submit(params: Json, ctx: MethodContext): Promise<Task> {
    const message = params.message as Json | undefined
    if (message == null || typeof message !== 'object') throw invalidParams('params.message is required')
    const messageId = str(message.messageId)
    if (messageId == null || messageId.length > MAX_MESSAGE_ID_LENGTH)
      throw invalidParams(`message.messageId is required (at most ${MAX_MESSAGE_ID_LENGTH} characters)`)
    const configuration = params.configuration as Json | undefined
    if (!acceptsOurOutput(configuration?.acceptedOutputModes))
      throw new A2aRpcError(
        RPC.CONTENT_TYPE_NOT_SUPPORTED,
        `the agent answers in ${MODES.join(', ')}: none of them is in configuration.acceptedOutputModes`,
        { reason: 'CONTENT_TYPE_NOT_SUPPORTED' },
      )
    const push = configuration?.taskPushNotificationConfig as Json | undefined
    if (push != null) c.push.check(push)
    const input = await fromA2aParts(message.parts, upload)
    const taskId = str(message.taskId)
    let task: Task
    if (taskId != null) {
      task = await ownTask(taskId, ctx.card)
      if (answered.get(messageId) !== taskId) {
        if (task.state !== TaskState.TASK_STATE_INPUT_REQUIRED)
          throw new A2aRpcError(RPC.UNSUPPORTED_OPERATION, `task ${taskId} is not waiting for input`, {
            reason: 'TASK_NOT_WAITING_FOR_INPUT',
            state: toA2aState(task.state),
          })
        try {
          task = (await client.a2a.sendTaskInput({ id: taskId, input })).task ?? task
        } catch (err) {
          throw toRpcError(err)
        }
        answered.set(messageId, taskId)
        if (answered.size > 10_000) answered.delete(answered.keys().next().value as string)
      }
    } else {
      const skill = chooseSkill(ctx.card, message, params, input)
      const metadata: Record<string, string> = { 'a2a.message_id': messageId }
      try {
        const created = await client.a2a.createTask({
          to: ctx.card.did,
          skill,
          input,
          idempotencyKey: `a2a:${messageId}`,
          contextId: str(message.contextId) ?? `ctx-${randomUUID()}`,
          maxPrice: str((message.metadata as Json | undefined)?.maxPrice) ?? '',
          metadata,
        })
        if (created.task == null) throw new Error('CreateTask returned no task')
        task = created.task
      } catch (err) {
        throw toRpcError(err)
      }
    }
    if (push != null) await c.push.set(task.id, task.lastSequence, push, ctx.legacy)
    return task
  }

  /** The task's events after `after` as A2A stream events, until it ends or waits for input. */
  async function* follow(task: Task, ctx: MethodContext): AsyncGenerator<A2aStreamResponse> {
    if (isWaiting(task)) return
    for await (const { event } of client.a2a.subscribeTaskEvents(
      { id: task.id, afterSequence: task.lastSequence },
      { signal: ctx.signal },
    )) {
      if (event == null || event.sequence <= task.lastSequence) continue
      yield* toStreamResponses(event, task.contextId)
      if (event.task != null && isWaiting(event.task)) return
    }
  }

  async function latest(id: string): Promise<Task> {
    const task = (await client.a2a.getTask({ id })).task
    if (task == null)
      throw new A2aRpcError(RPC.TASK_NOT_FOUND, `task ${id} not found`, { reason: 'TASK_NOT_FOUND' })
    return task
  }

  const unary: Record<string, UnaryMethod> = {
    async SendMessage(params, ctx) {
      const task = await submit(params, ctx)
      const returnImmediately = (params.configuration as Json | undefined)?.returnImmediately === true
      if (!returnImmediately) for await (const _ of follow(task, ctx));
      return { task: toA2aTask(await latest(task.id)) }
    },
    async GetTask(params, ctx) {
      return toA2aTask(await ownTask(params.id, ctx.card))
    },
    async ListTasks(params, ctx) {
      const pageSize =
        typeof params.pageSize === 'number' ? Math.min(Math.max(1, params.pageSize), MAX_PAGE_SIZE) : 50
      const res = await client.a2a
        .listTasks({
          role: TaskRole.TASK_ROLE_REQUESTER,
          peer: ctx.card.did,
          pageSize,
          pageToken: str(params.pageToken) ?? '',
        })
        .catch((err: unknown) => {
          throw toRpcError(err)
        })
      const contextId = str(params.contextId)
      // Clients that serialise an unset enum send UNSPECIFIED (or UNRECOGNIZED): no filter.
      const status =
        str(params.status)?.startsWith('TASK_STATE_') && params.status !== 'TASK_STATE_UNSPECIFIED'
          ? str(params.status)
          : undefined
      const tasks = res.tasks
        .filter((t) => contextId == null || t.contextId === contextId)
        .filter((t) => status == null || toA2aState(t.state) === status)
        .map((t) => toA2aTask(t, { history: false }))
      return { tasks, nextPageToken: res.nextPageToken, pageSize, totalSize: tasks.length }
    },
    async CancelTask(params, ctx) {
      const task = await ownTask(params.id, ctx.card)
      if (TERMINAL_STATES.has(toA2aState(task.state)))
        throw new A2aRpcError(RPC.TASK_NOT_CANCELABLE, `task ${task.id} has already ended`, {
          reason: 'TASK_TERMINAL',
          state: toA2aState(task.state),
        })
      try {
        const canceled = (await client.a2a.cancelTask({ id: task.id, reason: 'canceled by an A2A client' }))
          .task
        return toA2aTask(canceled ?? (await latest(task.id)))
      } catch (err) {
        throw toRpcError(err)
      }
    },
    async GetExtendedAgentCard() {
      // The public card is all there is (capabilities.extendedAgentCard is false).
      throw new A2aRpcError(RPC.EXTENDED_CARD_NOT_CONFIGURED, 'this agent has no extended card', {
        reason: 'NOT_IMPLEMENTED',
      })
    },
    async CreateTaskPushNotificationConfig(params, ctx) {
      const task = await ownTask(params.taskId, ctx.card)
      const ended = TERMINAL_STATES.has(toA2aState(task.state))
      return c.push.set(task.id, task.lastSequence, params, ctx.legacy, ended)
    },
    async GetTaskPushNotificationConfig(params, ctx) {
      const task = await ownTask(params.taskId, ctx.card)
      return c.push.get(task.id, str(params.id))
    },
    async ListTaskPushNotificationConfigs(params, ctx) {
      const task = await ownTask(params.taskId, ctx.card)
      return { configs: c.push.list(task.id), nextPageToken: '' }
    },
    async DeleteTaskPushNotificationConfig(params, ctx) {
      const task = await ownTask(params.taskId, ctx.card)
      const id = str(params.id)
      if (id == null) throw invalidParams('id (push config id) is required')
      await c.push.delete(task.id, id)
      return {}
    },
  }

  const streaming: Record<string, StreamMethod> = {
    async *SendStreamingMessage(params, ctx) {
      const task = await submit(params, ctx)
      yield { task: toA2aTask(task) }
      yield* follow(task, ctx)
    },
    async *SubscribeToTask(params, ctx) {
      const task = await ownTask(params.id, ctx.card)
      if (TERMINAL_STATES.has(toA2aState(task.state)))
        throw new A2aRpcError(RPC.UNSUPPORTED_OPERATION, `task ${task.id} has already ended`, {
          reason: 'TASK_TERMINAL',
        })
      yield { task: toA2aTask(task) }
      yield* follow(task, ctx)
    },
  }

  return { unary, streaming }
}
