// Helpers for task tests: offer skills through the SDK, run a small worker loop (subscribe, claim,
// handle, complete or fail) the way an agent program would, and compare a task across daemons.

import type { DeepPartial } from '../../clients/ts/deep-partial.ts'
import { types } from '../../clients/ts/index.ts'
import type { DaemonProcess } from './daemon-process.ts'

const { Visibility, TaskState } = types

export interface OfferedSkill {
  id: string
  inputSchema?: object
  visibility?: 'public' | 'whitelist' | 'private'
  allowedDids?: string[]
  price?: string
}

const VIS = {
  public: Visibility.VISIBILITY_PUBLIC,
  whitelist: Visibility.VISIBILITY_WHITELIST,
  private: Visibility.VISIBILITY_PRIVATE,
} as const

export async function offerSkills(d: DaemonProcess, skills: OfferedSkill[]): Promise<void> {
  await d.client.a2a.publishAgentCard({
    card: {
      name: d.name,
      description: `${d.name} for task tests`,
      skills: skills.map((s) => ({
        id: s.id,
        name: s.id,
        description: `does ${s.id}`,
        inputSchemaJson: s.inputSchema != null ? JSON.stringify(s.inputSchema) : '',
        price: s.price ?? '0',
        visibility: VIS[s.visibility ?? 'public'],
        allowedDids: s.allowedDids ?? [],
      })),
    },
  })
}

export interface WorkContext {
  task: types.Task
  leaseToken: string
  chunk(text: string): Promise<number>
}

export type Handler = (ctx: WorkContext) => Promise<Array<DeepPartial<types.Part>> | undefined>

/**
 * Serves `skill` on `d` until stopped: each task is claimed, handled, then completed with the
 * handler's output (undefined = leave the task as it is, e.g. a crashed worker), or failed if it throws.
 */
export function startWorker(d: DaemonProcess, skill: string, handler: Handler, leaseMs = 30_000) {
  const abort = new AbortController()
  const handled: string[] = []
  const done = (async () => {
    try {
      for await (const { task } of d.client.a2a.subscribeTasks(
        { skills: [skill] },
        { signal: abort.signal },
      )) {
        if (task == null) continue
        let claim: Awaited<ReturnType<DaemonProcess['client']['a2a']['claimTask']>>
        try {
          claim = await d.client.a2a.claimTask({ id: task.id, leaseMs })
        } catch {
          continue // another worker was faster
        }
        handled.push(task.id)
        const ctx: WorkContext = {
          task: claim.task as types.Task,
          leaseToken: claim.leaseToken,
          chunk: async (text) =>
            (
              await d.client.a2a.publishTaskEvent({
                id: task.id,
                leaseToken: claim.leaseToken,
                kind: types.TaskEventKind.TASK_EVENT_KIND_CHUNK,
                parts: [{ text }],
              })
            ).sequence,
        }
        try {
          const output = await handler(ctx)
          if (output != null)
            await d.client.a2a.completeTask({ id: task.id, leaseToken: claim.leaseToken, output })
        } catch (err) {
          await d.client.a2a
            .failTask({
              id: task.id,
              leaseToken: claim.leaseToken,
              error: { reason: 'HANDLER_FAILED', message: String(err) },
            })
            .catch(() => undefined)
        }
      }
    } catch (err) {
      if (!abort.signal.aborted) throw err
    }
  })()
  return {
    handled,
    async stop() {
      abort.abort()
      await done.catch(() => undefined)
    },
  }
}

/**
 * Serves `skill` on `d` with a worker that asks the requester `question` (INPUT_REQUIRED), waits for
 * the answer on the task's event stream, and completes with "painted <answer>".
 */
export function startAskingWorker(d: DaemonProcess, skill: string, question = 'which colour?') {
  return startWorker(d, skill, async (ctx) => {
    const id = ctx.task.id
    await d.client.a2a.updateTask({
      id,
      leaseToken: ctx.leaseToken,
      state: types.TaskState.TASK_STATE_INPUT_REQUIRED,
      message: [{ text: question }],
    })
    let answer = ''
    for await (const { event } of d.client.a2a.subscribeTaskEvents({ id })) {
      if (event?.kind === types.TaskEventKind.TASK_EVENT_KIND_INPUT) answer = event.parts[0]?.text ?? ''
      if (event?.task?.state === types.TaskState.TASK_STATE_WORKING && answer !== '') break
    }
    return [{ text: `painted ${answer}` }]
  })
}

/** The fields both daemons must agree on. */
export function sharedView(t: types.Task) {
  return {
    id: t.id,
    requester: t.requester,
    assignee: t.assignee,
    skill: t.skill,
    input: t.input,
    output: t.output,
    state: t.state,
    error: t.error,
    deadlineMs: t.deadlineMs,
    contextId: t.contextId,
    metadata: t.metadata,
  }
}

export const isTerminalState = (s: types.TaskState) =>
  s === TaskState.TASK_STATE_COMPLETED ||
  s === TaskState.TASK_STATE_FAILED ||
  s === TaskState.TASK_STATE_CANCELED ||
  s === TaskState.TASK_STATE_REJECTED
